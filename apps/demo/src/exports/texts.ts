/** `1980-01-31` -> `31-01-1980`, as the demo's sentences show dates. */
export function dayText(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date}-${month}-${year}`;
}

/** "between A and B", "from A", "until B". */
export function rangeText(from: string | undefined, to: string | undefined): string {
  if (from && to) return `between ${dayText(from)} and ${dayText(to)}`;
  if (from) return `from ${dayText(from)}`;
  return `until ${dayText(to as string)}`;
}
