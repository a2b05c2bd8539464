/**
 * `npm run build`: bundles the `sluice` CLI with the root `sluice.config.ts` into `dist/sluice.mjs`,
 * plain JavaScript, for production workers: `node dist/sluice.mjs export:worker`.
 *
 * Why: running TypeScript sources makes Node load its type stripper and keep every stripped module,
 * ~27 MB per process (measured: a 1,000,000-row CSV export peaked at 171 MB from sources, 148 MB
 * bundled). Development and tests keep running the sources directly; only workers need the bundle.
 * Dependencies stay in node_modules (external); only the workspace's TypeScript is bundled.
 * What only some runs need (BullMQ, with Redis) stays in chunks loaded on first use.
 * Usage: node scripts/build-cli.ts [--outdir dist] [--config sluice.config.ts]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' }, config: { type: 'string', default: 'sluice.config.ts' } } });

// Every installed package stays external except the workspace's own (@sluice/*), which are TypeScript.
const modules = join(root, 'node_modules');
const external = readdirSync(modules).flatMap((name) => {
  if (name === '@sluice' || name.startsWith('.')) return [];
  return name.startsWith('@') ? [`${name}/*`] : [name];
});

// Sources locate files next to themselves (the demo's default database and export folder); in one
// bundled file import.meta would point at dist/, so each module keeps its own directory.
const ownDirectory: Plugin = {
  name: 'own-directory',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
      loader: 'ts',
    }));
  },
};

const config = resolve(root, values.config);
await build({
  stdin: {
    contents: [`import config from ${JSON.stringify(config)};`, "import { cliMain } from '@sluice/cli';", 'await cliMain({ config });'].join('\n'),
    resolveDir: root,
    sourcefile: 'sluice-bundle-entry.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outdir: resolve(root, values.outdir),
  entryNames: 'sluice',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  external,
  plugins: [ownDirectory],
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
console.log(`build: ${join(values.outdir, 'sluice.mjs')} (sluice CLI with ${values.config})`);
