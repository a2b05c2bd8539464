/** Drops keys whose value is `undefined`, so a PATCH leaves the fields it did not send alone. */
export function stripUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
