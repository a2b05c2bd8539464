import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, EntityManager } from '@mikro-orm/sql';
import { ConfigError, NotFoundError, ValidationError } from '@sluice/core';
import {
  ExportTask,
  type ExportTaskConfig,
  ExportTaskRunner,
  ExportTaskService,
  type ExportUser,
  exportTaskStatuses,
  PollingTaskWorker,
  writeExport,
} from '@sluice/export';
import type { BullmqTaskDispatcher } from '@sluice/export/bullmq';
import { CliError } from './cli-error.ts';
import type { Command, CommandContext } from './command.ts';
import { ProgressReporter } from './progress-reporter.ts';

/** Who the CLI acts as for task operations: an operator who sees every task. */
const operator: ExportUser = { id: 0, username: 'cli', scopes: [], hasRole: () => false, isAdmin: true };

interface TaskContext {
  orm: MikroORM<AbstractSqlDriver, EntityManager>;
  config: ExportTaskConfig;
  /** BullMQ when the config names Redis, so retries and requeues reach the workers. */
  queue: BullmqTaskDispatcher | null;
}

async function withTasks(context: CommandContext, work: (tasks: TaskContext) => Promise<number>): Promise<number> {
  if (!context.config.exportTasks) throw ConfigError.invalid('sluice config', 'export commands need `exportTasks` in sluice.config.ts');
  const orm = await context.config.openOrm({ readOnly: context.readOnly });
  // Loaded only with Redis: without it the CLI never carries BullMQ.
  const { redisUrl, queueName } = context.config;
  const queue = redisUrl ? new (await import('@sluice/export/bullmq')).BullmqTaskDispatcher(redisUrl, queueName) : null;
  try {
    const config = await context.config.exportTasks(orm);
    return await work({ orm, config: queue ? { ...config, dispatcher: queue } : config, queue });
  } finally {
    await queue?.close();
    await orm.close();
  }
}

/** A whole-number option or argument; out of range is refused, never silently changed. */
function integerArgument(name: string, raw: string | boolean | undefined, fallback?: number, min = 0): number {
  if (raw === undefined && fallback !== undefined) return fallback;
  if (raw === undefined) throw CliError.usage(`${name} is required`);
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min)
    throw CliError.usage(`${name} must be a whole number of at least ${min}, got "${String(raw)}"`);
  return value;
}

function summary(task: ExportTask): string {
  const rows = `${task.processedCount.toLocaleString('en-US')} rows`;
  if (task.status === 'succeeded') return `succeeded, ${rows}, ${(task.fileSize ?? 0).toLocaleString('en-US')} bytes`;
  if (task.status === 'queued' && task.errorMessage) return `failed (attempt ${task.attempts} of ${task.maxAttempts}), will retry: ${task.errorMessage}`;
  if (task.status === 'queued') return `requeued: it resumes from its checkpoint (${rows} so far; no attempt used)`;
  return `${task.status}${task.errorMessage ? `: ${task.errorMessage}` : ''}`;
}

async function runWithProgress(runner: ExportTaskRunner, task: ExportTask, context: CommandContext): Promise<ExportTask> {
  const bar = new ProgressReporter(context.progress, `task ${task.id} (${task.request.export})`);
  const ended = await runner.run(task, {
    signal: context.signal,
    onProgress: (progress) => {
      if (progress.resumedFrom > 0 && progress.processed === progress.resumedFrom) context.log(`task ${task.id}: resuming after row ${progress.resumedFrom}`);
      bar.update(progress.processed, progress.total, !progress.totalIsEstimate);
    },
  });
  bar.done(summary(ended));
  return ended;
}

/** `export:*` commands. */
export const exportCommands: Record<string, Command> = {
  'export:process': {
    usage: 'sluice export:process <task-id> [--force]',
    description: 'Run one export task now; --force runs a finished (succeeded, failed, cancelled) task again from the start',
    options: { force: { type: 'boolean', description: 'Re-run a task that already ended (succeeded, failed or cancelled), from the start' } },
    positionals: 1,
    run: (context) =>
      withTasks(context, async ({ config }) => {
        const runner = new ExportTaskRunner(config);
        const task = await runner.claim(integerArgument('task-id', context.args[0]), { force: context.options.force === true });
        return (await runWithProgress(runner, task, context)).status === 'succeeded' ? 0 : 1;
      }),
  },

  'export:process-all': {
    usage: 'sluice export:process-all [--limit=10] [--force]',
    description: 'Run due queued tasks one after another (--limit=0: all); --force also re-runs failed tasks and those waiting for a retry',
    options: {
      limit: { type: 'string', value: 'n', description: 'Run at most n tasks (default 10; 0: all due tasks)' },
      force: { type: 'boolean', description: 'Also take failed tasks and tasks waiting for a retry' },
    },
    run: (context) =>
      withTasks(context, async ({ config }) => {
        const limit = integerArgument('limit', context.options.limit, 10);
        const force = context.options.force === true;
        const runner = new ExportTaskRunner(config);
        await runner.reap();
        const seen = new Set<number>();
        let failures = 0;
        while ((limit === 0 || seen.size < limit) && !context.signal.aborted) {
          let task = await runner.claimNext();
          if (!task && force) {
            const next = await config.em
              .fork()
              .findOne(ExportTask, { status: { $in: ['queued', 'failed'] }, id: { $nin: [...seen] } }, { orderBy: { id: 'asc' }, fields: ['id'] });
            if (next) task = await runner.claim(next.id, { force: true });
          }
          if (!task) break;
          seen.add(task.id);
          if ((await runWithProgress(runner, task, context)).status !== 'succeeded') failures++;
        }
        context.log(`export:process-all: ${seen.size} task(s) run, ${failures} not succeeded`);
        return failures === 0 ? 0 : 1;
      }),
  },

  'export:worker': {
    usage: 'sluice export:worker [--concurrency=1]',
    description: 'Run tasks as they come until SIGINT/SIGTERM: BullMQ jobs when the config names Redis, else by polling the database',
    options: { concurrency: { type: 'string', value: 'n', description: 'Tasks run at once, 1 or more (default 1)' } },
    run: (context) =>
      withTasks(context, async ({ config, queue }) => {
        const concurrency = integerArgument('concurrency', context.options.concurrency, 1, 1);
        const runner = new ExportTaskRunner(config);
        const events = {
          concurrency,
          onTaskEnd: (task: ExportTask) => context.log(`task ${task.id} (${task.request.export}): ${summary(task)}`),
          onError: (error: unknown) => context.log(`worker error: ${error instanceof Error ? error.message : String(error)}`),
        };
        const redisUrl = context.config.redisUrl;
        const worker =
          queue && redisUrl
            ? new (await import('@sluice/export/bullmq')).BullmqTaskWorker(runner, queue, redisUrl, {
                ...events,
                queueName: context.config.queueName,
                sweepMs: context.config.sweepMs,
              }).start()
            : new PollingTaskWorker(runner, events).start();
        context.log(`export:worker ${runner.workerId}: ${queue ? 'taking BullMQ jobs' : 'polling the database'}, concurrency ${concurrency}`);
        // The worker's timers do not hold the process open (a library must not); this command must.
        const keepAlive = setInterval(() => {}, 3_600_000);
        if (!context.signal.aborted) await once(context.signal, 'abort');
        clearInterval(keepAlive);
        context.log('export:worker: stopping; running tasks go back to the queue at their next batch');
        await worker.stop({ interrupt: true });
        return 0;
      }),
  },

  'export:run': {
    usage: 'sluice export:run --request <request.json> --out <file> --user <user-id>',
    description: 'Run an export request directly into a file, as the given user, without a task',
    // It writes a file, never the database: no migration check at start-up either.
    readOnly: true,
    options: {
      request: { type: 'string', value: 'file.json', description: 'The export request (as POST /api/exports/download takes it)' },
      out: { type: 'string', value: 'file', description: 'Where the file is written' },
      user: { type: 'string', value: 'user-id', description: 'Run as this user: their roles and scopes apply' },
    },
    run: (context) =>
      withTasks(context, async ({ config }) => {
        for (const name of ['request', 'out', 'user']) if (typeof context.options[name] !== 'string') throw CliError.usage(`--${name} is required`);
        const { request: requestFile, out } = context.options as { request: string; out: string };
        let body: unknown;
        try {
          body = JSON.parse(await readFile(requestFile, 'utf8'));
        } catch (cause) {
          throw ValidationError.field('request', `cannot read ${requestFile} as JSON: ${(cause as Error).message}`);
        }
        const em = config.em.fork();
        const userId = integerArgument('user', context.options.user);
        const user = await config.loadUser(em, userId);
        if (!user) throw NotFoundError.resource('User', userId);
        const prepared = config.registry.prepare(body, user);
        const bar = new ProgressReporter(context.progress, prepared.export.definition.alias);
        let total: { rows: number; exact: boolean } | null = null;
        // Opened before the export starts: a zip formatter (XLSX, ODS) met the stream's open error
        // mid-write and ended in a stack trace, where CSV happened to fail cleanly.
        const handle = await open(out, 'w').catch((cause: NodeJS.ErrnoException) => {
          throw CliError.outputUnwritable(out, cause.code ?? cause.message);
        });
        const file = handle.createWriteStream();
        const writing = await writeExport(prepared, em, file, {
          pageSize: config.pageSize,
          onTotal: (rows, exact) => {
            total = { rows, exact };
          },
        });
        const ticker = setInterval(() => bar.update(writing.rows(), total?.rows ?? null, total?.exact), 250);
        const rows = await writing.done.finally(() => clearInterval(ticker));
        bar.done(`${rows.toLocaleString('en-US')} rows, ${file.bytesWritten.toLocaleString('en-US')} bytes to ${out}`);
        return 0;
      }),
  },

  'export:list': {
    usage: `sluice export:list [--status=${exportTaskStatuses.join('|')}] [--limit=20]`,
    description: 'Show the newest tasks with their status and progress',
    readOnly: true,
    options: {
      status: { type: 'string', value: 'status', description: `Only tasks in this status: ${exportTaskStatuses.join(', ')}` },
      limit: { type: 'string', value: 'n', description: 'How many of the newest tasks, 1 or more (default 20)' },
    },
    run: (context) =>
      withTasks(context, async ({ config }) => {
        const status = context.options.status;
        if (status !== undefined && !exportTaskStatuses.includes(status as never))
          throw ValidationError.field('status', `expected one of ${exportTaskStatuses.join(', ')}`);
        const limit = integerArgument('limit', context.options.limit, 20, 1);
        const tasks = await config.em.fork().find(ExportTask, status ? { status: status as ExportTask['status'] } : {}, { orderBy: { id: 'desc' }, limit });
        context.log(['id', 'status', 'export', 'owner', 'progress', 'attempts', 'created'].join('\t'));
        for (const task of tasks) {
          const progress = `${task.processedCount}/${task.totalCount ?? '?'}`;
          context.log(
            [task.id, task.status, task.request.export, task.ownerName, progress, `${task.attempts}/${task.maxAttempts}`, task.createdAt.toISOString()].join(
              '\t',
            ),
          );
        }
        return 0;
      }),
  },

  'export:cancel': {
    usage: 'sluice export:cancel <task-id>',
    description: 'Cancel a queued task, or ask a running one to stop at its next batch',
    options: {},
    positionals: 1,
    run: (context) =>
      withTasks(context, async ({ config }) => {
        const task = await new ExportTaskService(config).cancel(integerArgument('task-id', context.args[0]), operator);
        context.log(`task ${task.id}: ${task.status === 'running' ? 'cancel requested' : task.status}`);
        return 0;
      }),
  },

  'export:cleanup': {
    usage: 'sluice export:cleanup',
    description: 'Remove expired files and partial files of failed or cancelled tasks',
    options: {},
    run: (context) =>
      withTasks(context, async ({ config }) => {
        context.log(`export:cleanup: removed ${await new ExportTaskService(config).cleanup()} file(s)`);
        return 0;
      }),
  },
};
