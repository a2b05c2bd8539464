/**
 * Resolves on the event loop's next turn (its check phase), after pending I/O callbacks.
 *
 * A loop of statements that never waits for I/O never lets the event loop turn: better-sqlite3
 * answers synchronously, so over SQLite every `await` of a statement resolves as a microtask. Two
 * things then wait until the loop finally turns: other requests, and the finalizers of the statements
 * already run. Node runs N-API finalizers (better-sqlite3's `Statement` is an N-API object wrap, and
 * Kysely prepares every statement anew) from a `setImmediate`, so each statement's native memory
 * (`sqlite3_finalize`; 170 kB for an `in` list of 1,000 placeholders) stays allocated until then.
 * WatermelonDB's first sync of 100,000 people (~900 statements in one turn) grew the demo server's RSS
 * by 220 MB outside the V8 heap that way. A long loop of statements awaits this between pages; over a
 * network driver the loop turns anyway, and this costs a few microseconds.
 *
 * @example
 * ```ts
 * for (let page = await first(); page; page = await next(page)) {
 *   yield rows(page);
 *   await nextTurn();
 * }
 * ```
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
