/**
 * A schedule runner process for the kill test: claims the schedules due at the given time (the claim
 * and its pending runs), says so on stdout, and then hangs before creating any task, until killed.
 * Usage: node --conditions=sluice-source claim-schedule-child.ts <dialect> <database-url> <directory> <iso-time>
 */
import { isDialectName } from '@sluice/db';
import { ExportTaskService, SavedExportService, ScheduleRunner } from '../src/index.ts';
import { openTaskOrm, taskConfig } from './task-fixture.ts';

const [dialect = '', url = '', directory = '', time = ''] = process.argv.slice(2);
if (!isDialectName(dialect)) throw new Error(`unknown dialect "${dialect}"`);
const orm = await openTaskOrm({ dialect, url });
const savedExports = new SavedExportService(new ExportTaskService(taskConfig(orm.em, directory)));
const claimed = await new ScheduleRunner({ savedExports, runnerId: 'doomed', leaseMs: 60_000 }).claimDue(new Date(time));
process.stdout.write(`${JSON.stringify({ claimed })}\n`);
// Stands for a runner stuck or dying between its claim and its tasks: only SIGKILL ends it.
setInterval(() => {}, 60_000);
