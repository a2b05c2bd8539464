/**
 * Counts the event loop's turns until `stop()`: how a test shows that a long walk lets other work run
 * (over better-sqlite3, which answers synchronously, a walk without `nextTurn()` makes none).
 *
 * @example
 * ```ts
 * const turns = countTurns();
 * for await (const page of query.iteratePages({ pageSize: 3 })) pages++;
 * expect(turns.stop()).toBeGreaterThanOrEqual(pages - 1);
 * ```
 */
export function countTurns(): { stop(): number } {
  let turns = 0;
  let counting = true;
  const count = () => {
    turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  return {
    stop: () => {
      counting = false;
      return turns;
    },
  };
}
