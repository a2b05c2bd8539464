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
  /** The command only reads (see {@link Command.readOnly}). */
  readOnly: boolean;
}

/** One option of a command, as `--help` shows it. */
export interface CommandOption {
  type: 'string' | 'boolean';
  description: string;
  /** The value's name in help, e.g. `age` for `--older-than <age>`. */
  value?: string;
}

/** A CLI command: its usage line, options and what it runs. Returns the process exit code. */
export interface Command {
  usage: string;
  description: string;
  options: Record<string, CommandOption>;
  /** Positional arguments it takes (exactly this many). */
  positionals?: number;
  /** Only reads: the config opens the database without creating or migrating it. */
  readOnly?: boolean;
  run(context: CommandContext): Promise<number>;
}
