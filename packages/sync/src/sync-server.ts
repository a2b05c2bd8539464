import type { EntityManager } from '@mikro-orm/sql';
import { type Dialect, rawInstant, type SqlRun } from '@sluice/db';
import { dialectOf, sqlRunner } from '@sluice/db/mikro-orm';
import { CheckpointCodec } from './checkpoint.ts';
import { ChangeFeed, type FeedListener } from './live/change-feed.ts';
import type { PullRequest, PullResponse, PushRequest, PushResponse, SubsetRequest, SyncSummary } from './protocol-schema.ts';
import { type PullContext, pullMapping } from './pull.ts';
import { type CheckedSubset, checkSubset, fullSubset } from './pull-subset.ts';
import { applyPush, type PushContext } from './push.ts';
import { type MappingSet, type ResolvedMapping, resolveMappings } from './resolved-mapping.ts';
import { RowReader } from './row-reader.ts';
import { ScopeGenerations } from './scope-generation.ts';
import { ensureClock, HorizonCache, readClock, watermark } from './sync-clock.ts';
import { SyncError } from './sync-error.ts';
import type { SyncMapping, SyncSubject } from './sync-mapping.ts';

/** How the server is set up. */
export interface SyncServerOptions {
  /** The same mappings as the ORM's {@link SyncSubscriber}. */
  mappings: readonly SyncMapping[];
  /**
   * Signs checkpoints. Default: a random secret kept in the database's `sync_clock` row, so
   * checkpoints stay valid across restarts and across instances sharing the database.
   */
  secret?: string;
  /** Largest page a pull may ask for (default 1,000 rows per mapping). */
  maxPullLimit?: number;
  /** Most rows one push may carry (default 1,000). */
  maxPushRows?: number;
  /** How often live listeners' watermark is read (default 50 ms; see {@link SyncServer.listen}). */
  livePollMs?: number;
}

/**
 * The sync protocol over one database: `summary`, `pull` and `push`, each for one subject. Call
 * `init(em)` once at start-up.
 *
 * @example
 * ```ts
 * const sync = new SyncServer({ mappings });
 * await sync.init(orm.em.fork());
 * const answer = await sync.pull(em, { id: '7', scopes: ['1', '2'] }, { mappings: { orders: null } });
 * ```
 */
export class SyncServer {
  readonly #options: SyncServerOptions;
  #state: { mappings: MappingSet; dialect: Dialect; codec: CheckpointCodec; databaseId: string; feed: ChangeFeed } | undefined;
  readonly #generations = new ScopeGenerations();
  readonly #horizon = new HorizonCache();

  constructor(options: SyncServerOptions) {
    this.#options = options;
  }

  /** Checks the mappings, creates the clock row when missing and learns this database's id. */
  async init(em: EntityManager): Promise<void> {
    const mappings = resolveMappings(this.#options.mappings, em.getMetadata());
    const dialect = dialectOf(em);
    const run = sqlRunner(em);
    await ensureClock(run, dialect);
    const { databaseId, secret } = await readClock(run, dialect);
    const feed = new ChangeFeed(em, dialect, { pollMs: this.#options.livePollMs });
    this.#state = { mappings, dialect, codec: new CheckpointCodec(this.#options.secret ?? secret, databaseId), databaseId, feed };
  }

  get #ready() {
    if (!this.#state) throw new Error('SyncServer.init() was not called');
    return this.#state;
  }

  /** The mappings as declared (what OpenAPI documents their parameters from). */
  get declaredMappings(): readonly SyncMapping[] {
    return this.#options.mappings;
  }

  /** The mappings `subject` may sync, in declaration order. */
  mappingsFor(subject: SyncSubject): ResolvedMapping[] {
    return [...this.#ready.mappings.byName.values()].filter((mapping) => !subject.mappings || subject.mappings.includes(mapping.name));
  }

  /** The mapping `name` if `subject` may sync it, else `SYNC_UNKNOWN_MAPPING`. */
  mapping(subject: SyncSubject, name: string): ResolvedMapping {
    const mapping = this.mappingsFor(subject).find((candidate) => candidate.name === name);
    if (!mapping) throw SyncError.unknownMapping(name);
    return mapping;
  }

  /**
   * Checks a requested subset (partial sync) against the subject and the mappings it may sync:
   * `SYNC_SCOPE_NOT_ALLOWED`, `SYNC_UNKNOWN_MAPPING`, `SYNC_UNKNOWN_PARAMETER`, `SYNC_INVALID_PARAMETER`.
   */
  checkSubset(subject: SyncSubject, request: SubsetRequest): CheckedSubset {
    return checkSubset(subject, (name) => this.mapping(subject, name), request);
  }

  /** What every pull of one request shares: generation, horizon (see {@link HorizonCache}) and watermark; and the subset it asks for. */
  async pullContext(em: EntityManager, subject: SyncSubject, subset: CheckedSubset = { scopes: null, parameters: new Map() }): Promise<PullContext> {
    const { dialect, codec } = this.#ready;
    const run = sqlRunner(em);
    // Side by side: the generation and the horizon are usually remembered, so the watermark is the one read.
    const [generation, horizon, mark] = await Promise.all([this.#generations.of(run, dialect, subject), this.#horizon.of(run), watermark(run, dialect)]);
    return { run, reader: new RowReader(run, dialect), codec, subject, generation, horizon, watermark: mark, dialect, subset };
  }

  /** The watermark now: every change below it is committed and readable (see the dialect's commit counter). */
  async watermark(em: EntityManager): Promise<number> {
    return watermark(sqlRunner(em), this.#ready.dialect);
  }

  /** Each mapping the subject may sync with a checkpoint at the watermark and its newest version. */
  async summary(em: EntityManager, subject: SyncSubject): Promise<SyncSummary> {
    const context = await this.pullContext(em, subject);
    const mappings = [];
    for (const mapping of this.mappingsFor(subject)) {
      const [row] = await context.run('select max(version) as v from sync_change where mapping = ? and version < ?', [mapping.name, context.watermark]);
      const checkpoint = this.#ready.codec.encode({
        phase: 'log',
        mapping: mapping.name,
        generation: context.generation,
        at: { version: context.watermark, id: 0 },
        subset: fullSubset,
      });
      mappings.push({
        name: mapping.name,
        checkpoint,
        latestVersion: row?.v === null || row?.v === undefined ? null : Number(row.v),
        rows: await context.reader.count(mapping, subject),
      });
    }
    const lag = await heldBack(context.run, context.watermark, this.mappingsFor(subject));
    return { mappings, watermark: { version: context.watermark, ...lag } };
  }

  /**
   * One page per requested mapping; checkpoints and the subset are checked before any query runs. A
   * pull whose subset (`scopes`, `parameters`) differs from its checkpoint's moves rows in and out.
   */
  async pull(em: EntityManager, subject: SyncSubject, request: PullRequest): Promise<PullResponse> {
    const limit = Math.min(request.limit ?? this.#options.maxPullLimit ?? 1_000, this.#options.maxPullLimit ?? 1_000);
    const entries = Object.entries(request.mappings).map(([name, token]) => {
      const mapping = this.mapping(subject, name);
      if (token !== null) this.#ready.codec.decode(token, name);
      return { mapping, token };
    });
    const subset = this.checkSubset(subject, { scopes: request.scopes, parameters: request.parameters });
    const context = await this.pullContext(em, subject, subset);
    const mappings: PullResponse['mappings'] = {};
    for (const { mapping, token } of entries) mappings[mapping.name] = await pullMapping(context, mapping, token, limit);
    // One snapshot per pull: while any mapping has more, every one does, so a client that pulls each
    // mapping while it has more pulls them all again, and the request that ends the sync reads every
    // log to one watermark (read after every snapshot page): no child row without its parent.
    if (Object.values(mappings).some((page) => page.hasMore)) for (const page of Object.values(mappings)) page.hasMore = true;
    return { mappings };
  }

  /**
   * Calls `poke` whenever committed changes the subject may sync (in `mappings`, default all of theirs; in `scopes`, default all of theirs)
   * pass the watermark, from `since` (a watermark this server issued, e.g. the last poke's; null: from
   * now): a client pulls when poked instead of polling. Changes committed through any server instance
   * poke listeners of every instance (the watermark is read from the database).
   *
   * @example
   * ```ts
   * const { watermark, stop } = await sync.listen(subject, { since: lastEventId }, (watermark, mappings) => send('poke', { watermark, mappings }));
   * ```
   */
  listen(subject: SyncSubject, options: { mappings?: readonly string[]; since?: number | null; scopes?: string[] }, poke: FeedListener['poke']) {
    const mappings = options.mappings ? options.mappings.map((name) => this.mapping(subject, name)) : this.mappingsFor(subject);
    // Partial sync: a listener of some of its scopes hears of those only (checked like a pull's).
    const { scopes } = this.checkSubset(subject, { scopes: options.scopes });
    return this.#ready.feed.listen({ subject: scopes ? { ...subject, scopes } : subject, mappings, poke }, options.since ?? null);
  }

  /** Applies a push; `checkpoints` are what the client last pulled, per mapping (conflict detection). */
  async push(em: EntityManager, subject: SyncSubject, request: PushRequest): Promise<PushResponse> {
    const since = new Map(
      Object.entries(request.checkpoints ?? {}).map(([name, token]) => {
        const checkpoint = this.#ready.codec.decode(token, this.mapping(subject, name).name);
        return [name, checkpoint.phase === 'log' ? checkpoint.at : checkpoint.from];
      }),
    );
    return applyPush(
      this.pushContext(em, subject, (name) => since.get(name) ?? null),
      request,
    );
  }

  /** What a push needs, with the client's position per mapping. */
  pushContext(em: EntityManager, subject: SyncSubject, since: PushContext['since']): PushContext {
    const { mappings, dialect } = this.#ready;
    return { em, mappings, dialect, subject, since, maxRows: this.#options.maxPushRows ?? 1_000 };
  }
}

/** Committed changes at or above the watermark in `mappings` (a range of the log's index each), and the oldest's age. */
async function heldBack(run: SqlRun, watermark: number, mappings: ResolvedMapping[]) {
  let count = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const mapping of mappings) {
    const [row] = await run('select count(*) as n, min(created_at) as oldest from sync_change where mapping = ? and version >= ?', [mapping.name, watermark]);
    count += Number(row?.n ?? 0);
    const at = rawInstant(row?.oldest);
    if (at) oldest = Math.min(oldest, at.getTime());
  }
  return { heldBackChanges: count, heldBackSeconds: count === 0 ? 0 : Math.max(0, Math.round((Date.now() - oldest) / 1000)) };
}
