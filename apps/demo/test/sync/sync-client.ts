import type { TestApp } from '../test-app.ts';

/** What a generic-protocol client holds: rows per mapping and a checkpoint per mapping. */
export interface ProtocolClient {
  rows: Map<string, Map<string, Record<string, unknown>>>;
  checkpoints: Record<string, string | null>;
  resets: number;
}

/** A client of `/api/sync` for tests: pulls pages until nothing more, applying resets. */
export function protocolClient(mappings: string[]): ProtocolClient {
  return { rows: new Map(mappings.map((name) => [name, new Map()])), checkpoints: Object.fromEntries(mappings.map((name) => [name, null])), resets: 0 };
}

/** Pulls every mapping of `client` until no page has more; returns the number of requests. */
export async function pullUntilDone(t: TestApp, token: string, client: ProtocolClient, limit = 1_000): Promise<number> {
  let requests = 0;
  for (let more = true; more; ) {
    const response = await t.request(token, 'POST', '/api/sync/pull', { mappings: client.checkpoints, limit });
    if (response.statusCode !== 200) throw new Error(`pull answered ${response.statusCode}: ${response.body}`);
    requests += 1;
    more = false;
    for (const [name, page] of Object.entries(response.json().mappings as Record<string, PulledPage>)) {
      const rows = client.rows.get(name) as Map<string, Record<string, unknown>>;
      if (page.reset) {
        rows.clear();
        client.resets += 1;
      }
      for (const row of page.changes) rows.set(String(row.id), row);
      for (const id of page.deletes) rows.delete(String(id));
      client.checkpoints[name] = page.checkpoint;
      more ||= page.hasMore;
    }
  }
  return requests;
}

/** One mapping's page of a pull. */
export interface PulledPage {
  changes: Record<string, unknown>[];
  deletes: (string | number)[];
  newItems: { uuid: string; id: number }[];
  checkpoint: string;
  hasMore: boolean;
  reset: boolean;
}
