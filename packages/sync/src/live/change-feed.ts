import type { EntityManager } from '@mikro-orm/sql';
import type { Dialect, SqlRun } from '@sluice/db';
import { sqlRunner } from '@sluice/db/mikro-orm';
import type { ResolvedMapping } from '../resolved-mapping.ts';
import { watermark } from '../sync-clock.ts';
import type { SyncSubject } from '../sync-mapping.ts';

/** One live subscriber: whose changes it wants to hear of, and what to do when some pass the watermark. */
export interface FeedListener {
  subject: SyncSubject;
  mappings: readonly ResolvedMapping[];
  poke(watermark: number, mappings: string[]): void;
}

/** How a feed watches the log. */
export interface ChangeFeedOptions {
  /** How often the watermark is read while anyone listens (default 50 ms). */
  pollMs?: number;
}

/**
 * Tells listeners when changes in their scopes pass the watermark, so clients pull only then. The
 * watermark is the truth, read from the database every `pollMs` while anyone listens: a change committed
 * through any server instance, or by any process writing the database, is seen by every instance, on every
 * dialect, without a broker that could lose a message. One loop per process serves every listener; each
 * round that moves the watermark reads which mappings and scopes changed (one indexed range per mapping)
 * and pokes only the listeners those touch.
 */
export class ChangeFeed {
  readonly #em: EntityManager;
  readonly #dialect: Dialect;
  readonly #pollMs: number;
  readonly #listeners = new Set<FeedListener>();
  #last = 0;
  #running: Promise<void> | null = null;

  constructor(em: EntityManager, dialect: Dialect, options: ChangeFeedOptions = {}) {
    this.#em = em;
    this.#dialect = dialect;
    this.#pollMs = options.pollMs ?? 50;
  }

  /**
   * Listens from `since` (a watermark this server issued; null: from now). Changes already committed
   * between `since` and now poke at once, so a client that reconnects misses none. Returns the
   * watermark listening starts from, and how to stop.
   */
  async listen(listener: FeedListener, since: number | null): Promise<{ watermark: number; stop: () => void }> {
    const run = this.#run();
    const now = await watermark(run, this.#dialect);
    // Not running: nothing was announced past `now`. Running: every round from here on reaches this listener,
    // and what rounds announced before it joined is checked below (up to the furthest either has seen).
    if (this.#running === null) this.#last = now;
    this.#listeners.add(listener);
    this.#running ??= this.#loop();
    const upTo = Math.max(now, this.#last);
    if (since !== null && since < upTo) {
      const missed = await touched(run, listener, since, upTo);
      if (missed.length > 0) listener.poke(upTo, missed);
    }
    return { watermark: upTo, stop: () => this.#listeners.delete(listener) };
  }

  /** Listeners now connected. */
  get size(): number {
    return this.#listeners.size;
  }

  #run(): SqlRun {
    return sqlRunner(this.#em.fork());
  }

  async #loop(): Promise<void> {
    try {
      while (this.#listeners.size > 0) {
        await new Promise((wake) => setTimeout(wake, this.#pollMs));
        await this.#round().catch(() => {}); // a database hiccup: the next round reads from the same point
      }
    } finally {
      this.#running = null;
    }
  }

  async #round(): Promise<void> {
    const run = this.#run();
    const now = await watermark(run, this.#dialect);
    if (now <= this.#last) return;
    const from = this.#last;
    const changed = await changesBetween(run, distinctMappings(this.#listeners), from, now);
    this.#last = now;
    for (const listener of this.#listeners) {
      const mappings = relevant(listener, changed);
      if (mappings.length > 0) listener.poke(now, mappings);
    }
  }
}

/** What changed between two watermarks, per mapping: the scopes entered and left (null: an unscoped row). */
type Changed = Map<string, Set<string | null>>;

function distinctMappings(listeners: Iterable<FeedListener>): ResolvedMapping[] {
  const byName = new Map<string, ResolvedMapping>();
  for (const listener of listeners) for (const mapping of listener.mappings) byName.set(mapping.name, mapping);
  return [...byName.values()];
}

async function changesBetween(run: SqlRun, mappings: readonly ResolvedMapping[], from: number, to: number): Promise<Changed> {
  const changed: Changed = new Map();
  for (const mapping of mappings) {
    // `version >= ?` first: the (mapping, version, id) index's range, as pulls read it.
    const rows = await run('select distinct scope, left_scope from sync_change where mapping = ? and version >= ? and version < ?', [mapping.name, from, to]);
    if (rows.length === 0) continue;
    const scopes = new Set<string | null>();
    for (const row of rows) {
      scopes.add(row.scope === null || row.scope === undefined ? null : String(row.scope));
      if (row.left_scope !== null && row.left_scope !== undefined) scopes.add(String(row.left_scope));
    }
    changed.set(mapping.name, scopes);
  }
  return changed;
}

function relevant(listener: FeedListener, changed: Changed): string[] {
  const { scopes } = listener.subject;
  return listener.mappings
    .filter((mapping) => {
      const touchedScopes = changed.get(mapping.name);
      if (!touchedScopes) return false;
      if (scopes === 'all' || !mapping.scope) return true;
      return [...touchedScopes].some((scope) => scope === null || scopes.includes(scope));
    })
    .map((mapping) => mapping.name);
}

async function touched(run: SqlRun, listener: FeedListener, from: number, to: number): Promise<string[]> {
  return relevant(listener, await changesBetween(run, listener.mappings, from, to));
}
