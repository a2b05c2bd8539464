import { CronExpressionParser } from 'cron-parser';
import { ScheduleError } from './schedule-error.ts';

/** A cron and the zone its fields are read in. */
export interface CronRule {
  cron: string;
  timeZone: string;
}

/** Whether `timeZone` is an IANA name this runtime knows (`Europe/Brussels`, `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone.length <= 64;
  } catch {
    return false;
  }
}

/**
 * Checks `rule`: exactly 5 fields (minute hour day-of-month month day-of-week, no seconds, no
 * `@daily` shorthands, so every UI and reader agrees on what it means) that cron-parser accepts, and a
 * known IANA zone. Throws `SCHEDULE_INVALID` naming the field.
 *
 * @example checkCronRule({ cron: '0 8 * * 1', timeZone: 'Europe/Brussels' }); // Mondays at 08:00, Brussels time
 */
export function checkCronRule(rule: CronRule): void {
  if (!isTimeZone(rule.timeZone)) throw ScheduleError.invalid('timeZone', `${JSON.stringify(rule.timeZone)} is not an IANA time zone`);
  const fields = rule.cron.trim().split(/\s+/);
  if (fields.length !== 5) throw ScheduleError.invalid('cron', `expected 5 fields (minute hour day month weekday), got ${fields.length}`);
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: rule.timeZone });
  } catch (error) {
    throw ScheduleError.invalid('cron', (error as Error).message);
  }
}

/**
 * The first time of `rule` strictly after `after`, computed in the rule's zone: "08:00" stays 08:00
 * local across a daylight-saving change. A local time that a spring change skips runs at the first
 * instant after the gap (cron-parser's rule).
 *
 * @example nextRunAfter({ cron: '0 8 * * *', timeZone: 'Europe/Brussels' }, new Date('2026-03-28T12:00Z')) // 2026-03-29T06:00Z
 */
export function nextRunAfter(rule: CronRule, after: Date): Date {
  return CronExpressionParser.parse(rule.cron.trim(), { tz: rule.timeZone, currentDate: after }).next().toDate();
}

/** The latest time of `rule` at or before `now`: the one due time a runner runs after missing several. */
export function latestRunAtOrBefore(rule: CronRule, now: Date): Date {
  return CronExpressionParser.parse(rule.cron.trim(), { tz: rule.timeZone, currentDate: new Date(now.getTime() + 1) })
    .prev()
    .toDate();
}
