import { parseArgs } from 'node:util';
import { isSluiceError } from '@sluice/core';
import { commands } from './commands.ts';
import { loadSluiceConfig } from './load-config.ts';
import type { ProgressOutput } from './progress-reporter.ts';
import type { SluiceConfig } from './sluice-config.ts';

/** Where the CLI writes (tests pass their own), and a configuration a bundle has built in. */
export interface CliOptions {
  log?: (line: string) => void;
  error?: (line: string) => void;
  progress?: ProgressOutput;
  /** Used instead of loading `sluice.config.ts` (or `--config`), e.g. by `dist/sluice.mjs`. */
  config?: SluiceConfig;
}

/** Exit codes: 0 done, 1 failed while running (or a task did not succeed), 2 bad usage or input. */
export async function runCli(argv: string[], output: CliOptions = {}): Promise<number> {
  const log = output.log ?? console.log;
  const error = output.error ?? console.error;
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    error(
      `${name ? `unknown command "${name}"\n` : ''}usage:\n${Object.values(commands)
        .map((c) => `  ${c.usage}\n      ${c.description}`)
        .join('\n')}`,
    );
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options: { ...command.options, config: { type: 'string' } }, strict: true, allowPositionals: true }));
    if (positionals.length !== (command.positionals ?? 0)) throw new Error(`expected ${command.positionals ?? 0} argument(s), got ${positionals.length}`);
  } catch (cause) {
    error(`${(cause as Error).message}\nusage: ${command.usage}`);
    return 2;
  }
  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    const config = output.config ?? (await loadSluiceConfig(values.config as string | undefined));
    return await command.run({ config, options: values, args: positionals, log, progress: output.progress ?? process.stderr, signal: stop.signal });
  } catch (cause) {
    if (isSluiceError(cause)) {
      error(`${cause.code}: ${cause.message}`);
      return cause.statusCode < 500 ? 2 : 1;
    }
    error(cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
    return 1;
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}
