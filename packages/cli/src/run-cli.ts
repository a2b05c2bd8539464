import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isSluiceError } from '@sluice/core';
import packageJson from '../package.json' with { type: 'json' };
import { bundleStaleness, defaultBundle } from './bundle-freshness.ts';
import { CliError } from './cli-error.ts';
import type { Command } from './command.ts';
import { commands } from './commands.ts';
import { findSluiceConfig } from './config-search.ts';
import { loadSluiceConfig } from './load-config.ts';
import type { ProgressOutput } from './progress-reporter.ts';
import type { SluiceConfig } from './sluice-config.ts';

/** Where the CLI writes (tests pass their own), and a configuration a bundle has built in. */
export interface CliOptions {
  log?: (line: string) => void;
  error?: (line: string) => void;
  progress?: ProgressOutput;
  /** Used instead of loading a config file (or `--config`), e.g. by `dist/sluice.mjs`. */
  config?: SluiceConfig;
}

// Options every command takes. Arguments are parsed with node:util's parseArgs: strict, with short
// flags and `--name=value`, and no dependency for a dozen options.
const globalOptions = {
  config: { type: 'string', value: 'path', description: 'The sluice config to load (default: see `sluice debug`)' },
  verbose: { type: 'boolean', description: 'On failure, print the stack trace too' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
} as const;

function optionLines(options: Record<string, { type: string; description: string; value?: string; short?: string }>): string[] {
  return Object.entries(options).map(([name, option]) => {
    const flag = `${'short' in option && option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` <${option.value ?? 'value'}>` : ''}`;
    return `  ${flag.padEnd(30)} ${option.description}`;
  });
}

/** `sluice --help`: every command, then the global options. */
export function generalHelp(): string {
  return [
    `sluice ${packageJson.version}: export tasks and maintenance for sluice apps`,
    '',
    'usage: sluice [--config <path>] [--verbose] <command> [options]',
    '       sluice <command> --help | sluice --version | sluice debug',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(20)} ${command.description}`),
    `  ${'debug'.padEnd(20)} Show which config would be loaded and where the CLI looked`,
    '',
    'options:',
    ...optionLines(globalOptions),
    `  ${'-v, --version'.padEnd(30)} Show the version`,
    '',
    'exit codes: 0 done, 1 failed while running (or the task did not succeed), 2 wrong usage or input',
  ].join('\n');
}

const debugHelp = ['Usage: sluice debug [--config <file>]', '', 'Prints what sluice found: Node, the config file it loads and its packages.'].join('\n');

/** `sluice <command> --help`: its usage line, what it does, and every option. */
export function commandHelp(name: string, command: Command): string {
  return [
    `usage: ${command.usage.replace(/^sluice /, 'sluice [--config <path>] ')}`,
    '',
    command.description,
    '',
    'options:',
    ...optionLines({ ...command.options, ...globalOptions }),
    ...(command.readOnly ? ['', `${name} only reads: it never creates or migrates a database.`] : []),
  ].join('\n');
}

function debugReport(explicit?: string): string {
  const { path, searched } = findSluiceConfig(explicit);
  return [
    `sluice ${packageJson.version}, node ${process.version}`,
    `config: ${path ?? 'none found'}`,
    `bundle: ${defaultBundle}, ${bundleStaleness(resolve(defaultBundle)) ?? 'fresh: the sluice command runs it'}`,
    `running: ${fileURLToPath(import.meta.url)}`,
    'searched:',
    ...searched.map((file) => `  ${file}`),
  ].join('\n');
}

/** Exit codes: 0 done, 1 failed while running (or a task did not succeed), 2 bad usage or input. */
export async function runCli(argv: string[], output: CliOptions = {}): Promise<number> {
  const log = output.log ?? console.log;
  const error = output.error ?? console.error;
  const verbose = argv.includes('--verbose');
  try {
    return await dispatch(argv, { ...output, log });
  } catch (cause) {
    if (isSluiceError(cause)) {
      error(`${cause.code}: ${cause.message}`);
      if (cause.code === 'CLI_USAGE') error('(sluice --help lists commands and options)');
    } else error(`ERROR: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`);
    if (verbose && cause instanceof Error && cause.stack) error(cause.stack);
    return isSluiceError(cause) && cause.statusCode < 500 ? 2 : 1;
  }
}

async function dispatch(argv: string[], output: CliOptions & { log: (line: string) => void }): Promise<number> {
  const name = argv.find((arg) => !arg.startsWith('-') && argv[argv.indexOf(arg) - 1] !== '--config');
  if (!name || name === 'help') {
    const topic = name === 'help' ? argv[argv.indexOf('help') + 1] : undefined;
    if (argv.includes('--version') || argv.includes('-v')) {
      output.log(packageJson.version);
      return 0;
    }
    if (!topic && !argv.some((arg) => ['--help', '-h'].includes(arg)) && name !== 'help') throw CliError.usage('no command given');
    const command = topic ? commands[topic] : undefined;
    if (topic && !command) throw CliError.usage(`unknown command "${topic}"`);
    output.log(command && topic ? commandHelp(topic, command) : generalHelp());
    return 0;
  }
  const rest = argv.filter((_, index) => index !== argv.indexOf(name));
  if (name === 'debug') {
    const { values } = parse(rest, {});
    // `debug --help` ran the report instead of saying what debug does.
    output.log(values.help ? debugHelp : debugReport(values.config as string | undefined));
    return 0;
  }
  const command = commands[name];
  if (!command) throw CliError.usage(`unknown command "${name}"`);
  const { values, positionals } = parse(rest, command.options);
  if (values.help) {
    output.log(commandHelp(name, command));
    return 0;
  }
  if (positionals.length !== (command.positionals ?? 0))
    throw CliError.usage(`${name} takes ${command.positionals ?? 0} argument(s), got ${positionals.length}; usage: ${command.usage}`);
  const stop = new AbortController();
  const abort = () => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    const config = output.config ?? (await loadSluiceConfig(values.config as string | undefined));
    const context = { config, options: values, args: positionals, log: output.log, progress: output.progress ?? process.stderr, signal: stop.signal };
    return await command.run({ ...context, readOnly: command.readOnly === true });
  } finally {
    process.off('SIGINT', abort);
    process.off('SIGTERM', abort);
  }
}

function parse(args: string[], options: Command['options']) {
  const spec = Object.fromEntries(
    Object.entries({ ...options, ...globalOptions }).map(([name, option]) => [
      name,
      { type: option.type, ...('short' in option ? { short: option.short } : {}) },
    ]),
  );
  try {
    return parseArgs({ args, options: spec as never, strict: true, allowPositionals: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    };
  } catch (cause) {
    throw CliError.usage((cause as Error).message.split('\n')[0] as string);
  }
}
