import { parseSyncAge, pruneSyncLog } from '@sluice/sync';
import type { Command } from './command.ts';

/** `sync:*` commands. */
export const syncCommands: Record<string, Command> = {
  'sync:prune': {
    usage: 'sluice sync:prune --older-than <age>   (age: e.g. 30d, 12h, 30m)',
    description: 'Delete sync change-log entries older than the given age; clients behind the new horizon get a reset',
    options: {
      'older-than': { type: 'string', value: 'age', description: `Delete change-log entries older than this: a number followed by d, h or m (e.g. 30d)` },
    },
    async run({ config, options, log }) {
      const cutoff = new Date(Date.now() - parseSyncAge(String(options['older-than'] ?? '')));
      const orm = await config.openOrm();
      try {
        const { pruned, horizon } = await pruneSyncLog(orm.em.fork(), cutoff);
        log(`sync:prune: deleted ${pruned} change(s) older than ${cutoff.toISOString()}; checkpoints before version ${horizon} now get a reset`);
        return 0;
      } finally {
        await orm.close();
      }
    },
  },
};
