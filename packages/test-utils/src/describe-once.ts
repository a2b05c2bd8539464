import { describe } from 'vitest';
import { testDialects } from './dialects.ts';

/**
 * Declares a suite that needs no database server (or only SQLite): it runs in the run of the matrix
 * that covers SQLite, which a bare `npm test` always is, and not again in a run of `DIALECTS` naming
 * only server databases (CI runs the README's `npm test` and then PostgreSQL and MariaDB).
 */
export function describeOnce(title: string, suite: () => void): void {
  if (testDialects().includes('sqlite')) describe(title, suite);
}
