/**
 * `@sluice/cli`: the `sluice` command (export tasks, history and sync-log retention, bundling) and the
 * config it finds in an app (`sluice.config.ts`).
 *
 * @example
 * ```ts
 * export default defineSluiceConfig({ openOrm: () => MikroORM.init(options), exportTasks: (orm) => taskConfig(orm) });
 * ```
 * @packageDocumentation
 */
export { CliError, cliErrorCodes } from './cli-error.ts';
export { cliMain } from './cli-main.ts';
export type { Command, CommandContext, CommandOption } from './command.ts';
export { commands } from './commands.ts';
export { configPaths, defaultConfigPaths, findSluiceConfig } from './config-search.ts';
export { loadSluiceConfig } from './load-config.ts';
export { type ProgressOutput, ProgressReporter } from './progress-reporter.ts';
export { type CliOptions, commandHelp, generalHelp, runCli } from './run-cli.ts';
export { defineSluiceConfig, type SluiceConfig } from './sluice-config.ts';
