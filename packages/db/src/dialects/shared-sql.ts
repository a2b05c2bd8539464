/** `"name"`, as PostgreSQL and SQLite quote identifiers. */
export function quoteDouble(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** A divisor written into SQL text: a positive safe integer, or a TypeError. */
export function divisor(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`not a positive integer divisor: ${value}`);
  return value;
}
