/**
 * A worker process for the crash tests: takes one task over (after its previous worker's lease
 * expired) and runs it slowly, printing each progress report as a JSON line, until killed.
 * Usage: node --conditions=sluice-source run-task-child.ts <dialect> <database-url> <directory> <task-id>
 */
import { isDialectName } from '@sluice/db';
import { ExportTaskRunner } from '../src/index.ts';
import { slowDirectory } from './slow-storage.ts';
import { crashSlowMsPerKiB, crashTuning, openTaskOrm, taskConfig } from './task-fixture.ts';

const [dialect = '', url = '', directory = '', taskId = ''] = process.argv.slice(2);
if (!isDialectName(dialect)) throw new Error(`unknown dialect "${dialect}"`);
const orm = await openTaskOrm({ dialect, url });
const runner = new ExportTaskRunner(taskConfig(orm.em, directory, { ...crashTuning, storage: slowDirectory(directory, crashSlowMsPerKiB) }));
const task = await runner.claim(Number(taskId));
const ended = await runner.run(task, { onProgress: (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`) });
process.stdout.write(`${JSON.stringify({ ended: ended.status })}\n`);
await orm.close();
