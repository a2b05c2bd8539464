import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@sluice/core';
import type { SluiceConfig } from './sluice-config.ts';

/** Loads `sluice.config.ts` (or `path`) from the working directory, as MikroORM's CLI loads its config. */
export async function loadSluiceConfig(path = 'sluice.config.ts'): Promise<SluiceConfig> {
  const file = resolve(path);
  if (!existsSync(file)) throw ConfigError.invalid('sluice config', `${file} does not exist (pass --config <path>)`);
  const loaded = (await import(pathToFileURL(file).href)) as { default?: SluiceConfig };
  if (typeof loaded.default?.openOrm !== 'function') throw ConfigError.invalid('sluice config', `${file} must export default defineSluiceConfig({ openOrm })`);
  return loaded.default;
}
