/** The databases sluice supports and tests against. */
export const allDialects = ['sqlite', 'postgresql', 'mariadb'] as const;

/** One supported database. */
export type Dialect = (typeof allDialects)[number];

/** True when `value` names a supported dialect. */
export function isDialect(value: string): value is Dialect {
  return (allDialects as readonly string[]).includes(value);
}

/**
 * The dialects a test run covers: `DIALECTS` (comma-separated), `sqlite` when unset so that
 * `npm test` needs no database server. An unknown name fails the run instead of being skipped.
 */
export function testDialects(env: NodeJS.ProcessEnv = process.env): Dialect[] {
  const raw = env.DIALECTS?.trim() || 'sqlite';
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isDialect(name)) throw new Error(`DIALECTS lists unknown dialect "${name}"; expected ${allDialects.join(', ')}`);
  }
  return [...new Set(names)] as Dialect[];
}
