import { z } from 'zod';

/** At most this many recipients per schedule: enough for a team, too few to turn schedules into a mailer. */
export const maxScheduleRecipients = 50;

/**
 * A saved export's schedule as its owner sets it: the one definition of the shape (service, OpenAPI, UI).
 * The cron and zone are checked further by `checkCronRule`, recipients against the known users.
 *
 * @example scheduleInputSchema.parse({ cron: '30 7 * * 1-5', timeZone: 'Europe/Brussels', recipients: [2, 3], keepFiles: 5 })
 */
export const scheduleInputSchema = z.strictObject({
  cron: z.string().trim().min(1).max(100).meta({ description: '5 fields: minute hour day-of-month month day-of-week, e.g. `30 7 * * 1-5`.' }),
  timeZone: z.string().min(1).max(64).meta({ description: 'IANA name the cron is read in, e.g. `Europe/Brussels`.' }),
  enabled: z.boolean().default(true),
  recipients: z
    .array(z.number().int().min(1).max(2_147_483_647))
    .min(1)
    .max(maxScheduleRecipients)
    .transform((ids) => [...new Set(ids)])
    .meta({ description: 'User ids; each gets a task run as themselves, e-mailed to them.' }),
  keepFiles: z.number().int().min(1).max(100).default(5).meta({ description: 'Files kept per recipient; older runs expire.' }),
});
export type ScheduleInput = z.input<typeof scheduleInputSchema>;
