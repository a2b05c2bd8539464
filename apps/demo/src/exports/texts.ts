import type { Translate } from '@sluice/export';

/** A `YYYY-MM-DD` day as the reader's locale writes it in a sentence: "January 31, 1980", "31 janvier 1980". */
export function dayText(day: string, t: Translate): string {
  return new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** "between A and B", "from A", "until B", in the reader's language. */
export function rangeText(from: string | undefined, to: string | undefined, t: Translate): string {
  if (from && to) return t('between {{from}} and {{to}}', { from: dayText(from, t), to: dayText(to, t) });
  if (from) return t('from {{from}}', { from: dayText(from, t) });
  return t('until {{to}}', { to: dayText(to as string, t) });
}
