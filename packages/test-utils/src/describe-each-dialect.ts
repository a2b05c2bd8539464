import type { DialectName } from '@sluice/db';
import { describe } from 'vitest';
import { testDialects } from './dialects.ts';

/**
 * Declares the same suite once per dialect in `DIALECTS`, titled `title [dialect]`.
 * Each suite sets up its own database (see {@link createTestDatabase}) in its hooks.
 */
export function describeEachDialect(title: string, suite: (dialect: DialectName) => void): void {
  for (const dialect of testDialects()) {
    describe(`${title} [${dialect}]`, () => suite(dialect));
  }
}
