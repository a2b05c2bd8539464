import type { EntityManager } from '@mikro-orm/sql';
import { SluiceError } from '@sluice/core';
import { SavedExport } from '../saved/saved-export-entity.ts';
import type { SavedExportService } from '../saved/saved-export-service.ts';
import { newWorkerId } from '../tasks/export-task-runner.ts';
import { PollingLoop } from '../tasks/polling-loop.ts';
import { TaskTransitions } from '../tasks/task-transitions.ts';
import { latestRunAtOrBefore, nextRunAfter } from './cron-times.ts';
import { ExportSchedule } from './export-schedule-entity.ts';
import { ScheduleRun } from './schedule-run-entity.ts';
import { ScheduleTransitions } from './schedule-transitions.ts';

/** What a {@link ScheduleRunner} needs: the saved exports (and through them the task service), and its tuning. */
export interface ScheduleRunnerConfig {
  savedExports: SavedExportService;
  /** The clock (tests move it instead of waiting for minutes); default the system's. */
  now?: () => Date;
  /** How often due schedules are looked for (default 15 s). */
  pollMs?: number;
  /** How long a claim's runner has to start its runs before another takes its pending runs over (default 2 min). */
  leaseMs?: number;
  /** Schedules and pending runs taken per poll (default 20 and 200). */
  batchSize?: number;
  runnerId?: string;
  onError?(error: unknown): void;
}

/** What one poll did. */
export interface ScheduleTick {
  /** Due times claimed (one per schedule at most). */
  claimed: number;
  /** Tasks created for recipients. */
  started: number;
  /** Recipients skipped, each with a reason on its run. */
  skipped: number;
}

/** Thrown in a task's transaction when another runner started the same run first: the task is rolled back. */
class RunAlreadyStarted extends Error {}

/**
 * Runs saved exports on their schedules, exactly once per due time whatever the number of runners:
 *
 * 1. **Claim**: one guarded UPDATE moves a due schedule's `nextRunAt` on (`where id = ? and next_run_at = <read>`);
 *    in the same transaction it writes one `pending` {@link ScheduleRun} per recipient. A runner that loses
 *    the UPDATE writes nothing.
 * 2. **Start**: each pending run becomes a task of the recipient, as the recipient (their rights, their
 *    scopes, an e-mail to their address), and is marked `started` in the task's own transaction. A recipient
 *    who may no longer see the saved export or run its request is `skipped` with the error's code.
 *
 * A runner killed between the two leaves pending runs; once its lease is over, any runner starts them.
 * **Missed times**: after downtime over several due times, a schedule runs once, for the latest one; the
 * older ones are skipped (no run rows). Next times are computed in the schedule's zone (DST-safe).
 * After starting runs, the tasks of each recipient's runs beyond `keepFiles` expire, so the task file
 * cleanup (`ExportTaskService.cleanup`) removes their files. The schedule of a deleted saved export is
 * removed when it is next due (its tasks stay).
 *
 * @example
 * ```ts
 * const schedules = new ScheduleRunner({ savedExports: new SavedExportService(taskService) }).start();
 * await schedules.stop();
 * ```
 */
export class ScheduleRunner {
  readonly #config: ScheduleRunnerConfig & Required<Omit<ScheduleRunnerConfig, 'onError'>>;
  readonly #loop: PollingLoop;

  constructor(config: ScheduleRunnerConfig) {
    const defined = Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as ScheduleRunnerConfig;
    this.#config = { now: () => new Date(), pollMs: 15_000, leaseMs: 120_000, batchSize: 20, runnerId: newWorkerId(), ...defined };
    this.#loop = new PollingLoop(() => this.tick(), { pollMs: this.#config.pollMs, onError: this.#config.onError });
  }

  get #em(): EntityManager {
    return this.#config.savedExports.tasks.config.em.fork();
  }

  start(): this {
    this.#loop.start();
    return this;
  }

  /** Stops polling and waits for the poll in progress. */
  async stop(): Promise<void> {
    await this.#loop.stop();
  }

  /** One poll at `now`: claims the due schedules, then starts every pending run this runner may start. */
  async tick(now = this.#config.now()): Promise<ScheduleTick> {
    const claimed = await this.claimDue(now);
    return { claimed, ...(await this.startPending(now)) };
  }

  /**
   * Claims the schedules due at `now` (step 1 only); answers how many this runner claimed. Each claim
   * runs the latest due time at or before `now` and moves `nextRunAt` past `now`.
   */
  async claimDue(now = this.#config.now()): Promise<number> {
    const due = await this.#em.find(
      ExportSchedule,
      { enabled: true, nextRunAt: { $lte: now } },
      { orderBy: { nextRunAt: 'asc', id: 'asc' }, limit: this.#config.batchSize },
    );
    let claimed = 0;
    for (const schedule of due) {
      if (await this.#orphaned(schedule)) continue;
      if (await this.#claim(schedule, now)) claimed++;
    }
    return claimed;
  }

  /**
   * Removes the schedule (and its runs) of a saved export deleted since: the saved exports know nothing
   * of schedules (an application may use them without), so their schedules are dropped here.
   */
  async #orphaned(schedule: ExportSchedule): Promise<boolean> {
    const em = this.#em;
    if ((await em.count(SavedExport, { id: schedule.savedExportId })) > 0) return false;
    await em.transactional(async (tx) => {
      await tx.nativeDelete(ScheduleRun, { scheduleId: schedule.id });
      await tx.nativeDelete(ExportSchedule, { id: schedule.id });
    });
    return true;
  }

  async #claim(schedule: ExportSchedule, now: Date): Promise<boolean> {
    const seen = schedule.nextRunAt as Date;
    const dueAt = latestRunAtOrBefore(schedule, now);
    const next = nextRunAfter(schedule, now);
    const leaseUntil = new Date(now.getTime() + this.#config.leaseMs);
    return this.#em.transactional(async (em) => {
      if (!(await new ScheduleTransitions(em, this.#config.runnerId).claim(schedule.id, seen, dueAt, next, leaseUntil))) return false;
      const at = new Date();
      for (const recipientId of schedule.recipients) {
        em.create(ScheduleRun, {
          scheduleId: schedule.id,
          savedExportId: schedule.savedExportId,
          dueAt,
          recipientId,
          status: 'pending',
          createdAt: at,
          updatedAt: at,
        });
      }
      await em.flush();
      return true;
    });
  }

  /**
   * Starts the pending runs (step 2) of schedules whose lease this runner holds, or whose lease ran
   * out (their runner died after its claim).
   */
  async startPending(now = this.#config.now()): Promise<Omit<ScheduleTick, 'claimed'>> {
    const em = this.#em;
    const pending = await em.find(ScheduleRun, { status: 'pending' }, { orderBy: { id: 'asc' }, limit: this.#config.batchSize * 10 });
    const tick = { started: 0, skipped: 0 };
    for (const scheduleId of new Set(pending.map((run) => run.scheduleId))) {
      const schedule = await em.findOne(ExportSchedule, { id: scheduleId });
      if (!schedule || !(await this.#mayStart(em, schedule, now))) continue;
      for (const run of pending.filter((item) => item.scheduleId === scheduleId)) {
        const outcome = await this.#start(em, run);
        if (outcome !== 'lost') tick[outcome]++;
      }
      await this.#expireOldFiles(em, schedule, now);
    }
    return tick;
  }

  async #mayStart(em: EntityManager, schedule: ExportSchedule, now: Date): Promise<boolean> {
    const leaseUntil = schedule.leaseUntil ?? null;
    if (schedule.leaseOwner === this.#config.runnerId && leaseUntil && leaseUntil > now) return true;
    if (leaseUntil && leaseUntil > now) return false;
    return new ScheduleTransitions(em, this.#config.runnerId).takeOver(schedule.id, leaseUntil, new Date(now.getTime() + this.#config.leaseMs));
  }

  async #start(em: EntityManager, run: ScheduleRun): Promise<'started' | 'skipped' | 'lost'> {
    const transitions = new ScheduleTransitions(em, this.#config.runnerId);
    const { savedExports } = this.#config;
    const user = await savedExports.tasks.config.loadUser(em.fork(), run.recipientId);
    if (!user) {
      await transitions.skipped(run.id, 'RECIPIENT_UNKNOWN', `User ${run.recipientId} no longer exists`);
      return 'skipped';
    }
    const mail = savedExports.tasks.config.deliveries.email && user.email ? [{ kind: 'email' }] : undefined;
    try {
      await savedExports.run(run.savedExportId, user, {
        remark: `Scheduled run of ${run.dueAt.toISOString()}`,
        deliveries: mail,
        within: async (tx, task) => {
          if (!(await transitions.started(tx, run.id, task.id))) throw new RunAlreadyStarted();
        },
      });
      return 'started';
    } catch (error) {
      if (error instanceof RunAlreadyStarted) return 'lost';
      // A refusal for this recipient (may no longer see it, lacks the role or scope, rate limit): recorded, not retried.
      if (!(error instanceof SluiceError)) throw error;
      return (await transitions.skipped(run.id, error.code, error.message)) ? 'skipped' : 'lost';
    }
  }

  /** Expires the files of each recipient's started runs beyond the schedule's `keepFiles`, newest kept. */
  async #expireOldFiles(em: EntityManager, schedule: ExportSchedule, now: Date): Promise<void> {
    const runs = await em.find(ScheduleRun, { scheduleId: schedule.id, status: 'started' }, { orderBy: { dueAt: 'desc', id: 'desc' } });
    const kept = new Map<number, number>();
    const tasks = new TaskTransitions(em, `schedule:${this.#config.runnerId}`);
    for (const run of runs) {
      const count = (kept.get(run.recipientId) ?? 0) + 1;
      kept.set(run.recipientId, count);
      if (count > schedule.keepFiles && run.taskId) await tasks.expireFile(run.taskId, now);
    }
  }
}
