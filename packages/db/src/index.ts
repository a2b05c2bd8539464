export type { CommitCounter, CounterStore, Dialect, DialectName, JsonColumn, OrderTerm } from './dialect.ts';
export { dialectNames } from './dialect.ts';
export { dialectNamed, dialectOfUrl, isDialectName } from './dialects/dialects.ts';
export { rawBoolean, rawDay, rawInstant, rawIsoInstant, rawKey, rawNumber } from './raw-values.ts';
export { chunks, placeholders, type SqlRun } from './sql-run.ts';
