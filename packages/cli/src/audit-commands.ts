import { parseAge, pruneHistory, systemActor, withAuditContext } from '@sluice/audit';
import type { Command } from './command.ts';

/** `audit:*` commands. */
export const auditCommands: Record<string, Command> = {
  'audit:prune': {
    usage: 'sluice audit:prune --older-than <age>   (age: e.g. 365d, 12h, 30m)',
    description: 'Delete history revisions older than the given age',
    options: {
      'older-than': { type: 'string', value: 'age', description: `Delete history revisions older than this: a number followed by d, h or m (e.g. 30d)` },
    },
    async run({ config, options, log }) {
      const age = parseAge(String(options['older-than'] ?? ''));
      const cutoff = new Date(Date.now() - age);
      const orm = await config.openOrm();
      try {
        const pruned = await withAuditContext({ actor: systemActor }, () => pruneHistory(orm.em.fork(), cutoff));
        log(`audit:prune: deleted ${pruned} revision(s) older than ${cutoff.toISOString()}`);
        return 0;
      } finally {
        await orm.close();
      }
    },
  },
};
