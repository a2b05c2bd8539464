import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// Only node: imports: the `sluice` bin runs this search before choosing what code to load.

/** Where the CLI looks when neither `--config` nor package.json says: the usual places, TypeScript first. */
export const defaultConfigPaths = ['./sluice.config.ts', './sluice.config.js', './sluice.config.mjs', './src/sluice.config.ts', './dist/sluice.config.js'];

/**
 * The config paths to try, in order: `--config`, else the `sluice.configPaths` of the working
 * directory's package.json (as MikroORM's `mikro-orm.configPaths`), else {@link defaultConfigPaths}.
 */
export function configPaths(explicit?: string, cwd = process.cwd()): string[] {
  if (explicit) return [explicit];
  const packageFile = resolve(cwd, 'package.json');
  if (existsSync(packageFile)) {
    const declared = (JSON.parse(readFileSync(packageFile, 'utf8')) as { sluice?: { configPaths?: unknown } }).sluice?.configPaths;
    if (Array.isArray(declared) && declared.every((path) => typeof path === 'string')) return declared;
  }
  return defaultConfigPaths;
}

/** The first config file that exists, with every path searched (for `sluice debug` and errors). */
export function findSluiceConfig(explicit?: string, cwd = process.cwd()): { path: string | null; searched: string[] } {
  const searched = configPaths(explicit, cwd).map((path) => resolve(cwd, path));
  return { path: searched.find((path) => existsSync(path)) ?? null, searched };
}
