import { pathToFileURL } from 'node:url';
import { ConfigError } from '@sluice/core';
import { CliError } from './cli-error.ts';
import { findSluiceConfig } from './config-search.ts';
import type { SluiceConfig } from './sluice-config.ts';

/** Loads the sluice config, the way MikroORM's CLI loads its configuration. */
export async function loadSluiceConfig(explicit?: string): Promise<SluiceConfig> {
  const { path, searched } = findSluiceConfig(explicit);
  if (!path) throw CliError.configNotFound(searched);
  const loaded = (await import(pathToFileURL(path).href)) as { default?: SluiceConfig };
  if (typeof loaded.default?.openOrm !== 'function') throw ConfigError.invalid('sluice config', `${path} must export default defineSluiceConfig({ openOrm })`);
  return loaded.default;
}
