import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by export schedules. */
export const scheduleErrorCodes = defineErrorCatalog({
  SCHEDULE_INVALID: {
    statusCode: 400,
    description:
      'The schedule is not valid: its cron is not 5 fields a cron parser accepts, its time zone is not an IANA name, or a recipient is not a known user.',
  },
  SCHEDULE_NOT_FOUND: {
    statusCode: 404,
    description: 'The saved export (which the caller owns) has no schedule.',
  },
});

/**
 * A schedule that cannot be stored or found.
 *
 * @example throw ScheduleError.invalid('cron', 'expected 5 fields'); // 400 SCHEDULE_INVALID
 */
export class ScheduleError extends SluiceError {
  static invalid(field: string, reason: string): ScheduleError {
    return new ScheduleError('SCHEDULE_INVALID', `Invalid schedule ${field}: ${reason}`, { details: { field } });
  }

  static notFound(savedExportId: number): ScheduleError {
    return new ScheduleError('SCHEDULE_NOT_FOUND', `Saved export ${savedExportId} has no schedule`, { details: { savedExportId } });
  }
}
