import { auditCommands } from './audit-commands.ts';
import { bundleCommand } from './bundle-command.ts';
import type { Command } from './command.ts';
import { exportCommands } from './export-commands.ts';
import { syncCommands } from './sync-commands.ts';

/** Every command, by name. */
export const commands: Record<string, Command> = { ...exportCommands, ...auditCommands, ...syncCommands, bundle: bundleCommand };
