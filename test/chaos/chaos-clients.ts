/**
 * The chaos suite's actors, talking HTTP to the demo servers like real clients: sync clients of the
 * generic protocol (kept in memory), and helpers for the API. Every call may meet a killed server or
 * a cut connection; callers record such answers as unknown, never as accepted.
 */

/** A sync client of the `orders` mapping: what it holds and where it stands. */
export interface SyncClient {
  name: string;
  user: string;
  clientId: string;
  token: string;
  /** Order id -> total_price, as the client holds it. */
  rows: Map<string, number>;
  checkpoint: string | null;
  /** Every order id the server ever sent it (the scope check). */
  received: Set<string>;
  /** Every total_price it ever received (a rolled-back value must never be among them). */
  values: Set<number>;
}

export function syncClient(name: string, user: string, token: string): SyncClient {
  return { name, user, clientId: `chaos-${name}`, token, rows: new Map(), checkpoint: null, received: new Set(), values: new Set() };
}

/** The parts of the demo's JSON answers the chaos actors read. */
export interface Answer {
  id?: number;
  token?: string;
  status?: string;
  error?: { code: string; message: string };
  mappings?: Record<string, { changes: Record<string, unknown>[]; deletes: (string | number)[]; checkpoint: string; hasMore: boolean; reset: boolean }>;
}

/** A request with a bearer token; JSON in and out. Rejects on network errors. */
export async function call(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: Answer | null }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, json: JSON.parse(text) as Answer };
  } catch {
    return { status: response.status, json: null };
  }
}

export async function login(base: string, user: string): Promise<string> {
  const answer = await call(base, null, 'POST', '/api/login', { username: user, password: user });
  if (answer.status !== 200) throw new Error(`login ${user}: ${answer.status}`);
  return answer.json?.token as string;
}

/** Pulls `orders` until no page has more, applying each page with its checkpoint. */
export async function pullUntilDone(base: string, client: SyncClient): Promise<void> {
  for (let more = true; more; ) {
    const answer = await call(base, client.token, 'POST', '/api/sync/pull', { mappings: { orders: client.checkpoint }, limit: 250 });
    if (answer.status !== 200) throw new Error(`pull answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    const page = answer.json?.mappings?.orders;
    if (!page) throw new Error('pull answered no orders page');
    if (page.reset) client.rows.clear();
    for (const row of page.changes) {
      const id = String(row.id);
      const price = Number(row.total_price);
      client.rows.set(id, price);
      client.received.add(id);
      client.values.add(price);
    }
    for (const id of page.deletes) client.rows.delete(String(id));
    client.checkpoint = page.checkpoint;
    more = page.hasMore;
  }
}

/** One push of one order's price from `checkpoint`; resolves its HTTP status. */
export async function pushPrice(base: string, client: SyncClient, checkpoint: string | null, id: string, price: number): Promise<number> {
  const answer = await call(base, client.token, 'POST', '/api/sync/push', {
    clientId: client.clientId,
    batchId: `b-${id}-${price}`,
    checkpoints: checkpoint ? { orders: checkpoint } : {},
    changes: { orders: { updated: [{ id: Number(id), total_price: price }] } },
  });
  return answer.status;
}
