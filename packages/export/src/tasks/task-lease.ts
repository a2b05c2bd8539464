import { ExportTask } from './export-task-entity.ts';
import type { TaskProgressFields, TaskTransitions } from './task-transitions.ts';

/** Why a run stopped before its end. */
export class RunStopped extends Error {
  readonly reason: 'cancelled' | 'lease-lost' | 'interrupted';

  constructor(reason: 'cancelled' | 'lease-lost' | 'interrupted') {
    super(reason);
    this.reason = reason;
  }
}

/** Options of a {@link TaskLease}. */
export interface TaskLeaseOptions {
  leaseMs: number;
  heartbeatMs: number;
  /** A shutdown: the run saves its next checkpoint and goes back to the queue. */
  interrupt?: AbortSignal;
  /** What each renewal publishes (rows so far, peak memory). */
  progress(): TaskProgressFields;
}

/**
 * A worker's hold on one running task: a heartbeat that extends the lease, publishes progress and
 * notices cancel requests and lost leases, plus the signals that stop the run. `stopped` carries every
 * reason and is checked at checkpoints; `hardStopped` only cancels and lost leases, which end the row
 * walk at once, while a shutdown lets the walk reach its next checkpoint and save it.
 *
 * @example
 * const lease = new TaskLease(transitions, task.id, { leaseMs, heartbeatMs, progress: () => ({ processedCount, peakMemoryBytes }) });
 * try { await write({ signal: lease.hardStopped }); } finally { await lease.release(); }
 */
export class TaskLease {
  readonly #transitions: TaskTransitions;
  readonly #taskId: number;
  readonly #options: TaskLeaseOptions;
  readonly #stop = new AbortController();
  readonly #hardStop = new AbortController();
  // Row updates go one after another, so a slower earlier write never lands after a later one.
  #writes: Promise<unknown> = Promise.resolve();
  #beating = true;
  #wake = () => {};
  readonly #heartbeat: Promise<void>;

  constructor(transitions: TaskTransitions, taskId: number, options: TaskLeaseOptions) {
    this.#transitions = transitions;
    this.#taskId = taskId;
    this.#options = options;
    const interrupt = () => this.stopWith(new RunStopped('interrupted'));
    if (options.interrupt?.aborted) interrupt();
    else options.interrupt?.addEventListener('abort', interrupt, { once: true });
    this.#heartbeat = this.#beatUntilReleased();
  }

  get stopped(): AbortSignal {
    return this.#stop.signal;
  }

  get hardStopped(): AbortSignal {
    return this.#hardStop.signal;
  }

  /** Whether the run was asked to stop by a shutdown only (it then saves where it stands first). */
  get interrupted(): boolean {
    return this.#stop.signal.aborted && (this.#stop.signal.reason as RunStopped).reason === 'interrupted';
  }

  stopWith(reason: RunStopped): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
    if (reason.reason !== 'interrupted' && !this.#hardStop.signal.aborted) this.#hardStop.abort(reason);
  }

  throwIfStopped(): void {
    if (this.#stop.signal.aborted) throw this.#stop.signal.reason;
  }

  /** Runs a row update after the ones before it. */
  serially<T>(write: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(write, write);
    this.#writes = next.catch(() => {});
    return next;
  }

  /** Extends the lease with the current progress (plus `more`); false when it is no longer this worker's. */
  renew(more: Partial<TaskProgressFields> = {}): Promise<boolean> {
    return this.serially(() =>
      this.#transitions.renewLease(this.#taskId, new Date(Date.now() + this.#options.leaseMs), { ...this.#options.progress(), ...more }),
    );
  }

  /** Stops the heartbeat and waits for it and for every pending row update. */
  async release(): Promise<void> {
    this.#beating = false;
    this.#wake();
    await this.#heartbeat;
    await this.#writes;
  }

  async #beatUntilReleased(): Promise<void> {
    while (this.#beating) {
      await new Promise<void>((wake) => {
        this.#wake = wake;
        setTimeout(wake, this.#options.heartbeatMs).unref();
      });
      if (this.#beating) await this.#beat().catch(() => {});
    }
  }

  async #beat(): Promise<void> {
    if (!(await this.renew())) return this.stopWith(new RunStopped('lease-lost'));
    const state = await this.#transitions.em.findOne(ExportTask, { id: this.#taskId }, { fields: ['cancelRequestedAt'], disableIdentityMap: true });
    if (state?.cancelRequestedAt) this.stopWith(new RunStopped('cancelled'));
  }
}
