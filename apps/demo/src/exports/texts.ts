import type { Translate } from '@sluice/export';

/** `1980-01-31` -> `31-01-1980`, as the demo's sentences show dates. */
export function dayText(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date}-${month}-${year}`;
}

/** "between A and B", "from A", "until B", in the reader's language. */
export function rangeText(from: string | undefined, to: string | undefined, t: Translate): string {
  if (from && to) return t('between {{from}} and {{to}}', { from: dayText(from), to: dayText(to) });
  if (from) return t('from {{from}}', { from: dayText(from) });
  return t('until {{to}}', { to: dayText(to as string) });
}
