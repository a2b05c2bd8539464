/** What a documented error code means: its HTTP status and a one-line explanation. */
export interface ErrorCodeEntry {
  statusCode: number;
  description: string;
}

/** A package's list of error codes; `docs/errors.md` must list every entry (a test checks). */
export type ErrorCatalog = Readonly<Record<string, ErrorCodeEntry>>;

// Shared by every copy of this package in an app, so an error built by one copy finds codes another declared.
const registryKey = Symbol.for('sluice.errorCodes');
const registry: Map<string, ErrorCodeEntry> =
  ((globalThis as Record<symbol, unknown>)[registryKey] as Map<string, ErrorCodeEntry> | undefined) ?? new Map<string, ErrorCodeEntry>();
(globalThis as Record<symbol, unknown>)[registryKey] = registry;

/**
 * Declares a catalog while keeping its keys as literal types, and registers its codes: an error built
 * with one of them takes its HTTP status from here, so each status is stated once.
 *
 * @example export const myErrorCodes = defineErrorCatalog({ MY_CODE: { statusCode: 409, description: '...' } });
 */
export function defineErrorCatalog<const T extends ErrorCatalog>(catalog: T): T {
  for (const [code, entry] of Object.entries(catalog)) registry.set(code, entry);
  return catalog;
}

/** The HTTP status a catalog declared for `code`, if any did. */
export function statusOfCode(code: string): number | undefined {
  return registry.get(code)?.statusCode;
}
