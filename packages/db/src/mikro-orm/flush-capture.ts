import type { EntityManager, EventSubscriber, FlushEventArgs, TransactionEventArgs } from '@mikro-orm/core';
import type { Dialect } from '../dialect.ts';
import type { SqlRun } from '../sql-run.ts';
import { dialectOf } from './dialect-of.ts';
import { sqlRunner } from './sql-runner.ts';

/** Where a capture's queries and writes run: the flush's transaction, or the one the application opened. */
export interface FlushContext {
  em: EntityManager;
  /** MikroORM's transaction context. */
  transaction: unknown;
  run: SqlRun;
  dialect: Dialect;
}

/**
 * When a flush runs inside a transaction the application opened, its records are stored right after
 * the flush (`'flush'`: each flush keeps its own, e.g. a history revision), or kept until that
 * transaction commits (`'commit'`: stored as its last statements, e.g. the sync log, whose commit-order
 * number must be taken right before COMMIT). Inside a savepoint, whose outer transaction is not known
 * here, they are stored at the flush either way; a rollback, of the transaction or of the savepoint
 * around the flush, discards them with the rows.
 */
export type StoreTime = 'flush' | 'commit';

interface Pending<Captured> {
  captured: Captured;
  prepared: boolean;
}

/**
 * The one lifecycle behind history and sync: what a flush changes is captured from the unit of work
 * before anything is written, then, inside the flush's own transaction, read before the entity rows
 * are written (old values, pivot rows, rows a cascade will delete), completed after they are, and
 * stored in that same transaction: a rolled-back flush records nothing, a failed record rolls the
 * flush back. Subclasses say what to capture, read and store; register them in the ORM's
 * `subscribers`.
 *
 * Timeline, flush in its own transaction: `onFlush` → capture · `afterTransactionStart` → beforeWrites ·
 * entity rows written · `beforeTransactionCommit` → afterWrites, store. Inside an application
 * transaction: `onFlush` → capture, beforeWrites · rows written · `afterFlush` → afterWrites, then store
 * now or at `beforeTransactionCommit` ({@link StoreTime}).
 *
 * @example
 * ```ts
 * class CountingCapture extends FlushCapture<number, number> {
 *   protected readonly storeTime = 'flush';
 *   protected capture({ uow }: FlushEventArgs) { return uow.getChangeSets().length || null; }
 *   protected async beforeWrites() {}
 *   protected async afterWrites(count: number) { return [count]; }
 *   protected async store(counts: number[], { run }: FlushContext) { await run('update stats set changes = changes + ?', [counts[0]]); }
 * }
 * ```
 */
export abstract class FlushCapture<Captured, Stored> implements EventSubscriber {
  /** See {@link StoreTime}. */
  protected abstract readonly storeTime: StoreTime;
  readonly #pending = new WeakMap<EntityManager, Pending<Captured>>();
  /** Records of flushes inside an application transaction, stored when it commits. */
  readonly #deferred = new WeakMap<object, Stored[]>();

  /** What the flush changes, read from the unit of work (original values are still there); null for nothing. */
  protected abstract capture(flush: FlushEventArgs): Captured | null;
  /** Inside the transaction, before the entity rows are written. */
  protected abstract beforeWrites(captured: Captured, context: FlushContext): Promise<void>;
  /** Inside the transaction, after the entity rows are written: the records to store. */
  protected abstract afterWrites(captured: Captured, context: FlushContext): Promise<Stored[]>;
  /** Writes records, inside the transaction. */
  protected abstract store(records: Stored[], context: FlushContext): Promise<void>;

  async onFlush(flush: FlushEventArgs): Promise<void> {
    const captured = this.capture(flush);
    if (captured === null) return;
    const { em } = flush;
    this.#pending.set(em, { captured, prepared: false });
    if (em.isInTransaction()) await this.#prepare(em, em.getTransactionContext());
  }

  async afterTransactionStart({ em, transaction }: TransactionEventArgs): Promise<void> {
    if (this.#pending.has(em)) await this.#prepare(em, transaction);
  }

  async beforeTransactionCommit({ em, transaction }: TransactionEventArgs): Promise<void> {
    if (!transaction) return;
    const context = this.#context(em, transaction);
    const records = [...(this.#deferred.get(transaction) ?? []), ...(await this.#complete(em, context))];
    this.#deferred.delete(transaction);
    if (records.length > 0) await this.store(records, context);
  }

  async afterFlush({ em }: FlushEventArgs): Promise<void> {
    if (!em.isInTransaction()) return;
    const context = this.#context(em, em.getTransactionContext());
    await this.keep(await this.#complete(em, context), context);
  }

  afterTransactionRollback({ em, transaction }: TransactionEventArgs): void {
    this.#pending.delete(em);
    if (transaction) this.#deferred.delete(transaction);
  }

  /** Records made outside a flush (bulk writes the application reports) go the same way as a flush's. */
  protected async keep(records: Stored[], context: FlushContext): Promise<void> {
    if (records.length === 0) return;
    const transaction = context.transaction as object;
    if (this.storeTime === 'flush' || 'savepointName' in transaction) await this.store(records, context);
    else this.#deferred.set(transaction, [...(this.#deferred.get(transaction) ?? []), ...records]);
  }

  /** Where statements of `em` inside `transaction` run. */
  protected contextOf(em: EntityManager): FlushContext {
    return this.#context(em, em.getTransactionContext());
  }

  #context(em: EntityManager, transaction: unknown): FlushContext {
    return { em, transaction, run: sqlRunner(em, transaction), dialect: dialectOf(em) };
  }

  async #prepare(em: EntityManager, transaction: unknown): Promise<void> {
    const pending = this.#pending.get(em);
    if (!pending || pending.prepared) return;
    pending.prepared = true;
    await this.beforeWrites(pending.captured, this.#context(em, transaction));
  }

  async #complete(em: EntityManager, context: FlushContext): Promise<Stored[]> {
    const pending = this.#pending.get(em);
    if (!pending) return [];
    this.#pending.delete(em);
    return this.afterWrites(pending.captured, context);
  }
}
