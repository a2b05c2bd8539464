import { type DialectName, dialectNames, isDialectName } from '@sluice/db';

/**
 * The dialects a test run covers: `DIALECTS` (comma-separated), `sqlite` when unset so that
 * `npm test` needs no database server. An unknown name fails the run instead of being skipped.
 */
export function testDialects(env: NodeJS.ProcessEnv = process.env): DialectName[] {
  const raw = env.DIALECTS?.trim() || 'sqlite';
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isDialectName(name)) throw new Error(`DIALECTS lists unknown dialect "${name}"; expected ${dialectNames.join(', ')}`);
  }
  return [...new Set(names)] as DialectName[];
}
