/** Characters that make spreadsheet applications treat a cell as a formula. */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * Neutralises text that a spreadsheet would evaluate (CSV/formula injection): a leading `= + - @`,
 * tab or carriage return gets a `'` in front, the usual defence. Numbers are not touched.
 */
export function neutraliseFormula(value: string): string {
  return formulaStart.test(value) ? `'${value}` : value;
}

/** A cell as text for text formats: dates as ISO, NULL as empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
