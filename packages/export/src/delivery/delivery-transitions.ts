import type { EntityData, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import { ExportDelivery } from './export-delivery-entity.ts';

/** What a guard compares: the row must still be as the worker read it. */
export type SeenDelivery = Pick<ExportDelivery, 'id' | 'status' | 'attempts' | 'leaseOwner'>;

/**
 * Every change of a delivery's state, each one UPDATE guarded by the state it leaves: when two workers
 * race for a delivery exactly one claim matches, so a delivery is never sent twice at once. Each method
 * answers whether its change was the one that happened.
 *
 * `actor` is the worker id that holds the lease.
 */
export class DeliveryTransitions {
  readonly #em: EntityManager;
  readonly actor: string;

  constructor(em: EntityManager, actor: string) {
    this.#em = em;
    this.actor = actor;
  }

  async #apply(where: FilterQuery<ExportDelivery>, set: EntityData<ExportDelivery>): Promise<boolean> {
    return (await this.#em.nativeUpdate(ExportDelivery, where, { ...set, updatedAt: new Date() })) === 1;
  }

  /** A delivery as it was read: due and pending, or sending under a lease that expired (its worker died). */
  #asSeen(seen: SeenDelivery, now: Date): FilterQuery<ExportDelivery> {
    const due = seen.status === 'pending' ? { nextAttemptAt: { $lte: now } } : { leaseUntil: { $lt: now } };
    return { id: seen.id, status: seen.status, attempts: seen.attempts, leaseOwner: seen.leaseOwner, ...due };
  }

  /** A sending delivery under this actor's lease. */
  #held(id: number): FilterQuery<ExportDelivery> {
    return { id, status: 'sending', leaseOwner: this.actor };
  }

  /** Takes a due delivery for one attempt, under this actor's lease until `leaseUntil`. */
  claim(seen: SeenDelivery, leaseUntil: Date, now = new Date()): Promise<boolean> {
    return this.#apply(this.#asSeen(seen, now), { status: 'sending', leaseOwner: this.actor, leaseUntil, attempts: seen.attempts + 1 });
  }

  /** Gives up a delivery whose worker died during its last attempt (it may or may not have arrived). */
  abandon(seen: SeenDelivery, lastError: string, now = new Date()): Promise<boolean> {
    return this.#apply(this.#asSeen(seen, now), { status: 'failed', lastError, leaseOwner: null, leaseUntil: null });
  }

  sent(id: number): Promise<boolean> {
    return this.#apply(this.#held(id), { status: 'sent', sentAt: new Date(), lastError: null, leaseOwner: null, leaseUntil: null });
  }

  /** An attempt failed with attempts left: pending again from `nextAttemptAt`. */
  retryLater(id: number, nextAttemptAt: Date, lastError: string): Promise<boolean> {
    return this.#apply(this.#held(id), { status: 'pending', nextAttemptAt, lastError, leaseOwner: null, leaseUntil: null });
  }

  /** The last attempt failed. The task and its file are left as they are. */
  fail(id: number, lastError: string): Promise<boolean> {
    return this.#apply(this.#held(id), { status: 'failed', lastError, leaseOwner: null, leaseUntil: null });
  }
}
