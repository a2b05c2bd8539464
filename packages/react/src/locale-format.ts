/** Numbers, sizes, durations and instants in one locale, all through `Intl`. */
export interface LocaleFormat {
  number(value: number): string;
  /** A share between 0 and 1, e.g. `0.42` -> `42%`. */
  percent(share: number): string;
  /** Bytes in the largest decimal unit under 1,000 of it, e.g. `1536` -> `1.5 kB`. */
  bytes(bytes: number): string;
  /** Seconds, e.g. `95` -> `1 min 35 sec`. */
  duration(seconds: number): string;
  /** An ISO instant as a date and time. */
  dateTime(iso: string): string;
  /** A calendar day (`YYYY-MM-DD`, no time zone) as a date. */
  day(iso: string): string;
  /** Items as a list, e.g. `a, b, and c`. */
  list(items: string[]): string;
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** The formats of `locale` (built once: `Intl` constructors are slow to create). */
export function localeFormat(locale: string): LocaleFormat {
  const numbers = new Intl.NumberFormat(locale);
  const percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  // A day is midnight UTC of itself, shown in UTC: never the day before west of Greenwich.
  const days = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const lists = new Intl.ListFormat(locale, { type: 'conjunction' });
  const unitList = new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' });
  const unit = (name: string, value: number, digits = 0) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'short', maximumFractionDigits: digits }).format(value);
  return {
    number: (value) => numbers.format(value),
    percent: (share) => percents.format(share),
    bytes: (bytes) => {
      const step = Math.min(byteUnits.length - 1, bytes < 1000 ? 0 : Math.floor(Math.log10(bytes) / 3));
      return unit(byteUnits[step] ?? 'byte', bytes / 1000 ** step, step === 0 ? 0 : 1);
    },
    duration: (seconds) => {
      const whole = Math.max(0, Math.round(seconds));
      if (whole < 60) return unit('second', whole);
      return unitList.format([unit('minute', Math.floor(whole / 60)), unit('second', whole % 60)]);
    },
    dateTime: (iso) => dates.format(new Date(iso)),
    day: (iso) => days.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    list: (items) => lists.format(items),
  };
}
