import type { ProgressOutput } from './progress-reporter.ts';
import type { SluiceConfig } from './sluice-config.ts';

/** What a command receives when it runs. */
export interface CommandContext {
  config: SluiceConfig;
  options: Record<string, string | boolean | undefined>;
  /** Positional arguments after the command name. */
  args: string[];
  log: (line: string) => void;
  /** Where progress bars go (stderr by default, so stdout stays parseable). */
  progress: ProgressOutput;
  /** Aborted on SIGINT or SIGTERM; long-running commands stop cleanly. */
  signal: AbortSignal;
}

/** A CLI command: its usage line and what it runs. Returns the process exit code. */
export interface Command {
  usage: string;
  description: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  /** Positional arguments it takes (exactly this many). */
  positionals?: number;
  run(context: CommandContext): Promise<number>;
}
