import { createHash } from 'node:crypto';
import type { Dialect, SqlRun } from '@sluice/db';
import type { SyncSubject } from './sync-mapping.ts';

const cacheMs = 10_000;

/**
 * Scope generations remembered for a few seconds per subject, so a pull whose subject's scopes did
 * not change asks the database nothing. A change of scopes is seen at once (the fingerprint differs);
 * a generation bumped by another server instance is seen within {@link cacheMs}, and the only cost of
 * that delay is one more reset for a client that moves between instances.
 */
export class ScopeGenerations {
  readonly #known = new Map<string, { fingerprint: string; generation: number; at: number }>();

  async of(run: SqlRun, dialect: Dialect, subject: SyncSubject): Promise<number> {
    const fingerprint = fingerprintOf(subject);
    const known = this.#known.get(subject.id);
    if (known && known.fingerprint === fingerprint && Date.now() - known.at < cacheMs) return known.generation;
    const generation = await scopeGeneration(run, dialect, subject, fingerprint);
    if (this.#known.size > 10_000) this.#known.clear();
    this.#known.set(subject.id, { fingerprint, generation, at: Date.now() });
    return generation;
  }
}

function fingerprintOf(subject: SyncSubject): string {
  const scopes = subject.scopes === 'all' ? 'all' : [...subject.scopes].sort();
  const mappings = subject.mappings ? [...subject.mappings].sort() : 'all';
  return createHash('sha256')
    .update(JSON.stringify([scopes, mappings]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The generation of a subject's scopes: it goes up whenever the scopes or mappings a subject may
 * sync differ from the last pull's. A checkpoint of an older generation gets a reset, so a client
 * whose user lost a center stops holding its rows and one that gained a center receives them.
 */
async function scopeGeneration(run: SqlRun, dialect: Dialect, subject: SyncSubject, fingerprint: string): Promise<number> {
  const generation = dialect.quote('generation');
  for (;;) {
    const [row] = await run('select fingerprint, generation from sync_scope_generation where subject = ?', [subject.id]);
    if (row?.fingerprint === fingerprint) return Number(row.generation);
    if (!row) {
      await run(dialect.insertIgnore(`sync_scope_generation (subject, fingerprint, ${generation})`, 'values (?, ?, 1)'), [subject.id, fingerprint]);
    } else {
      await run(`update sync_scope_generation set fingerprint = ?, ${generation} = ${generation} + 1 where subject = ? and fingerprint = ?`, [
        fingerprint,
        subject.id,
        row.fingerprint,
      ]);
    }
  }
}
