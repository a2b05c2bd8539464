/** What a documented error code means: its HTTP status and a one-line explanation. */
export interface ErrorCodeEntry {
  statusCode: number;
  description: string;
}

/** A package's list of error codes; `docs/errors.md` must list every entry (a test checks). */
export type ErrorCatalog = Readonly<Record<string, ErrorCodeEntry>>;

/** Declares a catalog while keeping its keys as literal types. */
export function defineErrorCatalog<const T extends ErrorCatalog>(catalog: T): T {
  return catalog;
}
