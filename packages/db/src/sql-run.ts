/** Runs one statement with `?` placeholders and returns its rows. */
export type SqlRun = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * `?, ?, ?` for `count` values.
 *
 * @example
 * ```ts
 * await run(`select id from person where id in (${placeholders(ids.length)})`, ids);
 * ```
 */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Splits `values` so no statement binds more parameters than every driver accepts. */
export function chunks<T>(values: readonly T[], size = 1_000): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}
