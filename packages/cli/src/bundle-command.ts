import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error.ts';
import type { Command } from './command.ts';
import { findSluiceConfig } from './load-config.ts';

/**
 * Packages that stay outside the bundle: every installed one, except those linked into node_modules
 * (workspace packages, TypeScript sources): a production worker then loads plain JavaScript only.
 */
function externals(cwd: string): string[] {
  const modules = join(cwd, 'node_modules');
  const linked = (path: string) => lstatSync(path).isSymbolicLink();
  return readdirSync(modules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    if (!name.startsWith('@')) return linked(join(modules, name)) ? [] : [name];
    return readdirSync(join(modules, name))
      .filter((child) => !linked(join(modules, name, child)))
      .map((child) => `${name}/${child}`);
  });
}

/** `sluice bundle`: the CLI and your config as one plain JavaScript file, for production workers. */
export const bundleCommand: Command = {
  usage: 'sluice bundle [--outdir dist]',
  description: 'Bundle the CLI with your sluice config into <outdir>/sluice.mjs (plain JavaScript, for workers; needs esbuild installed)',
  options: { outdir: { type: 'string', value: 'dir', description: 'Where sluice.mjs and its chunks go (default dist)' } },
  async run({ options, log }) {
    const cwd = process.cwd();
    const { path: config, searched } = findSluiceConfig(options.config as string | undefined);
    if (!config) throw CliError.configNotFound(searched);
    const esbuild = await import('esbuild').catch(() => {
      throw CliError.usage('sluice bundle needs esbuild: npm install --save-dev esbuild');
    });
    const outdir = resolve(cwd, String(options.outdir ?? 'dist'));
    await esbuild.build({
      stdin: {
        // As bin.ts: the compile cache first, then the CLI and the config (dynamic imports, so they load after it).
        contents: [
          "import { enableCompileCache } from 'node:module';",
          'enableCompileCache?.();',
          `const [{ default: config }, { cliMain }] = await Promise.all([import(${JSON.stringify(config)}), import('@sluice/cli')]);`,
          'await cliMain({ config });',
        ].join('\n'),
        resolveDir: cwd,
        sourcefile: 'sluice-bundle-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      outdir,
      entryNames: 'sluice',
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      // What only some runs need (BullMQ, with Redis) stays in chunks loaded on first use.
      splitting: true,
      external: externals(cwd),
      plugins: [
        {
          // Modules that locate files next to themselves keep their own directory inside the bundle.
          name: 'own-directory',
          setup(builder) {
            builder.onLoad({ filter: /\.ts$/ }, (args) => ({
              contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
              loader: 'ts',
            }));
          },
        },
      ],
      banner: { js: '#!/usr/bin/env node' },
      logLevel: 'warning',
    });
    log(`sluice bundle: ${join(outdir, 'sluice.mjs')} (the CLI with ${config}); run it with node`);
    return 0;
  },
};
