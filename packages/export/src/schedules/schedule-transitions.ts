import type { EntityManager } from '@mikro-orm/sql';
import { ExportSchedule } from './export-schedule-entity.ts';
import { ScheduleRun } from './schedule-run-entity.ts';

/**
 * Every change of a schedule's claim and of its runs, each one UPDATE guarded by the state it leaves:
 * of two runners racing for the same change, exactly one guard still matches, and each method answers
 * whether its change was the one that happened.
 */
export class ScheduleTransitions {
  readonly em: EntityManager;
  readonly runner: string;

  constructor(em: EntityManager, runner: string) {
    this.em = em;
    this.runner = runner;
  }

  /**
   * Claims the due time `seen` of schedule `id` (the `nextRunAt` the runner read): moves `nextRunAt` to
   * `next`, records `dueAt` as the last run and takes the lease until `leaseUntil`.
   */
  async claim(id: number, seen: Date, dueAt: Date, next: Date, leaseUntil: Date): Promise<boolean> {
    const set = { nextRunAt: next, lastRunAt: dueAt, leaseOwner: this.runner, leaseUntil, updatedAt: new Date() };
    return (await this.em.nativeUpdate(ExportSchedule, { id, enabled: true, nextRunAt: seen }, set)) === 1;
  }

  /** Takes over the lease of schedule `id` from a runner whose lease (`seenLeaseUntil`) ran out, to start its pending runs. */
  async takeOver(id: number, seenLeaseUntil: Date | null, leaseUntil: Date): Promise<boolean> {
    const set = { leaseOwner: this.runner, leaseUntil, updatedAt: new Date() };
    return (await this.em.nativeUpdate(ExportSchedule, { id, leaseUntil: seenLeaseUntil }, set)) === 1;
  }

  /** Marks pending run `id` started with `taskId`; call it in the task's own transaction (`em`). */
  async started(em: EntityManager, id: number, taskId: number): Promise<boolean> {
    return (await em.nativeUpdate(ScheduleRun, { id, status: 'pending' }, { status: 'started', taskId, updatedAt: new Date() })) === 1;
  }

  /** Marks pending run `id` skipped, with why. */
  async skipped(id: number, reasonCode: string, reason: string): Promise<boolean> {
    const set = { status: 'skipped' as const, reasonCode, reason, updatedAt: new Date() };
    return (await this.em.nativeUpdate(ScheduleRun, { id, status: 'pending' }, set)) === 1;
  }
}
