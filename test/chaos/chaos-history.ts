import type { SyncClient } from './chaos-clients.ts';

/**
 * Whether a write answered `status` may be in the database: accepted (200), or its outcome unknown to the
 * client: no answer (0: the server died or the link was cut) or a 5xx (the link to the database was cut
 * while the COMMIT was on its way: committed or not, the server cannot tell). A 4xx never wrote anything.
 */
export function mayHaveApplied(status: number): boolean {
  return status === 200 || status === 0 || status >= 500;
}

/** An accepted or refused push, as its client saw the answer (0: no answer, the server died or the link was cut). */
export interface PushRecord {
  client: string;
  id: string;
  price: number;
  checkpoint: string | null;
  status: number;
}

/** What a run did and saw: the history the checker reads. */
export interface ChaosHistory {
  pushes: PushRecord[];
  /** Prices sent through the API per order id, with the answer (0 until one arrives, or when none did). */
  patches: Map<string, { price: number; status: number }[]>;
  /** Export tasks created (id and owner). */
  tasks: { id: number; user: string }[];
  /** Probes made while a transaction that wrote no synced row was held open. */
  probes: { delivered: boolean | null; heldMs: number }[];
  faults: Record<string, number>;
  operations: Record<string, number>;
  violations: string[];
}

export function emptyHistory(): ChaosHistory {
  return { pushes: [], patches: new Map(), tasks: [], probes: [], faults: {}, operations: {}, violations: [] };
}

export function count(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** The price a rolled-back writer sets: no client may ever receive it. */
export const rolledBackPrice = -4242;

/**
 * The invariants over a finished run, given the server's final state:
 * - every client holds exactly the server's rows of its scope (no change missed, none invented);
 * - no client ever received a row outside its scope, nor a rolled-back value;
 * - no accepted push was lost: two pushes of one row from one checkpoint by different clients cannot
 *   both be accepted (one of them must have been answered as a conflict), and an order that accepted
 *   writes ends with one of their values;
 * - a transaction that wrote no synced row never held a change back;
 * Task invariants are checked by the runner, which can download files.
 */
export function checkSync(history: ChaosHistory, clients: SyncClient[], truth: Map<string, Map<string, number>>, initial: Map<string, number>): void {
  const violations = history.violations;
  for (const client of clients) {
    const expected = truth.get(client.user) ?? new Map();
    const wrong = [...expected].filter(([id, price]) => client.rows.get(id) !== price).slice(0, 5);
    const extra = [...client.rows.keys()].filter((id) => !expected.has(id)).slice(0, 5);
    if (wrong.length > 0)
      violations.push(
        `${client.name} ended without the server's value of ${wrong.map(([id, price]) => `order ${id} (${price} vs ${client.rows.get(id)})`).join(', ')}`,
      );
    if (extra.length > 0) violations.push(`${client.name} holds orders the server does not give it: ${extra.join(', ')}`);
    const outside = [...client.received].filter((id) => !expected.has(id) && initial.has(id) && !expected.has(id)).slice(0, 5);
    if (outside.length > 0) violations.push(`${client.name} received orders outside its scope: ${outside.join(', ')}`);
    if (client.values.has(rolledBackPrice)) violations.push(`${client.name} received a rolled-back value`);
  }
  const accepted = history.pushes.filter((push) => push.status === 200);
  const seen = new Map<string, PushRecord>();
  for (const push of accepted) {
    if (push.checkpoint === null) continue;
    const key = `${push.id}\u0000${push.checkpoint}`;
    const other = seen.get(key);
    if (other && other.client !== push.client)
      violations.push(`lost update: ${other.client} and ${push.client} both had a push of order ${push.id} from the same checkpoint accepted`);
    seen.set(key, push);
  }
  const final = new Map<string, number>();
  for (const rows of truth.values()) for (const [id, price] of rows) final.set(id, price);
  const writes = new Map<string, Set<number>>();
  for (const push of history.pushes.filter((candidate) => mayHaveApplied(candidate.status)))
    writes.set(push.id, (writes.get(push.id) ?? new Set()).add(push.price));
  for (const [id, patches] of history.patches)
    for (const { price, status } of patches) if (mayHaveApplied(status)) writes.set(id, (writes.get(id) ?? new Set()).add(price));
  for (const push of accepted) {
    const price = final.get(push.id);
    if (price !== undefined && !(writes.get(push.id) as Set<number>).has(price))
      violations.push(`order ${push.id} ends at ${price}, which no write that may have applied set (a push of ${push.price} was accepted)`);
  }
  for (const probe of history.probes)
    if (probe.delivered === false) violations.push(`a change was held back ${probe.heldMs} ms by a transaction that wrote no synced row`);
}
