import { createHash } from 'node:crypto';
import type { SyncSubject } from './sync-mapping.ts';
import { quote, type SqlRun, type SyncDialect } from './sync-sql.ts';

/**
 * The generation of a subject's scopes: it goes up whenever the scopes or mappings a subject may
 * sync differ from the last pull's. A checkpoint of an older generation gets a reset, so a client
 * whose user lost a center stops holding its rows and one that gained a center receives them.
 */
export async function scopeGeneration(run: SqlRun, dialect: SyncDialect, subject: SyncSubject): Promise<number> {
  const scopes = subject.scopes === 'all' ? 'all' : [...subject.scopes].sort();
  const mappings = subject.mappings ? [...subject.mappings].sort() : 'all';
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([scopes, mappings]))
    .digest('hex')
    .slice(0, 32);
  for (;;) {
    const [row] = await run('select fingerprint, generation from sync_scope_generation where subject = ?', [subject.id]);
    if (row?.fingerprint === fingerprint) return Number(row.generation);
    if (!row) {
      const insert = dialect === 'mysql' ? 'insert ignore into' : 'insert into';
      const conflict = dialect === 'mysql' ? '' : ' on conflict do nothing';
      await run(`${insert} sync_scope_generation (subject, fingerprint, ${quote(dialect, 'generation')}) values (?, ?, 1)${conflict}`, [
        subject.id,
        fingerprint,
      ]);
    } else {
      await run(
        `update sync_scope_generation set fingerprint = ?, ${quote(dialect, 'generation')} = ${quote(dialect, 'generation')} + 1 where subject = ? and fingerprint = ?`,
        [fingerprint, subject.id, row.fingerprint],
      );
    }
  }
}
