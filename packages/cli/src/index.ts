export { cliMain } from './cli-main.ts';
export type { Command, CommandContext } from './command.ts';
export { commands } from './commands.ts';
export { loadSluiceConfig } from './load-config.ts';
export { type ProgressOutput, ProgressReporter } from './progress-reporter.ts';
export { type CliOptions, runCli } from './run-cli.ts';
export { defineSluiceConfig, type SluiceConfig } from './sluice-config.ts';
