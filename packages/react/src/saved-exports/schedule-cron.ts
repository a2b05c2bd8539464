/** How the schedule editor's simple forms repeat; `cron` edits the expression itself. */
export const scheduleRepeats = ['daily', 'weekly', 'monthly', 'cron'] as const;
export type ScheduleRepeat = (typeof scheduleRepeats)[number];

/** The editor's fields: one of the simple forms (a time, a weekday 0 = Sunday, a day of the month) or a raw cron. */
export interface ScheduleForm {
  repeat: ScheduleRepeat;
  /** `HH:MM`. */
  time: string;
  weekday: number;
  dayOfMonth: number;
  cron: string;
}

const pad = (value: string) => value.padStart(2, '0');

/**
 * The 5-field cron of `form`.
 *
 * @example cronOf({ repeat: 'weekly', time: '07:30', weekday: 1, dayOfMonth: 1, cron: '' }) // '30 7 * * 1'
 */
export function cronOf(form: ScheduleForm): string {
  const [hours = '0', minutes = '0'] = form.time.split(':');
  const at = `${Number(minutes)} ${Number(hours)}`;
  if (form.repeat === 'daily') return `${at} * * *`;
  if (form.repeat === 'weekly') return `${at} * * ${form.weekday}`;
  if (form.repeat === 'monthly') return `${at} ${form.dayOfMonth} * *`;
  return form.cron.trim();
}

/** The form that writes `cron`: a simple one when it is one of theirs, the raw cron otherwise. */
export function formOf(cron: string): ScheduleForm {
  const form: ScheduleForm = { repeat: 'cron', time: '07:00', weekday: 1, dayOfMonth: 1, cron };
  const match = /^(\d{1,2}) (\d{1,2}) (\*|\d{1,2}) \* (\*|[0-6])$/.exec(cron.trim());
  if (!match) return form;
  const [, minutes = '0', hours = '0', day = '*', weekday = '*'] = match;
  const time = `${pad(hours)}:${pad(minutes)}`;
  if (day === '*' && weekday === '*') return { ...form, repeat: 'daily', time };
  if (day === '*') return { ...form, repeat: 'weekly', time, weekday: Number(weekday) };
  if (weekday === '*') return { ...form, repeat: 'monthly', time, dayOfMonth: Number(day) };
  return form;
}
