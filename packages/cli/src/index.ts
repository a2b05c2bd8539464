export { type Command, commands } from './commands.ts';
export { loadSluiceConfig } from './load-config.ts';
export { runCli } from './run-cli.ts';
export { defineSluiceConfig, type SluiceConfig } from './sluice-config.ts';
