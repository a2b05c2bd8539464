import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { writeBundleManifest } from './bundle-freshness.ts';
import { CliError } from './cli-error.ts';
import type { Command } from './command.ts';
import { findSluiceConfig } from './config-search.ts';

/** The installed packages under `node_modules`, as `name` or `@scope/name` with their directories. */
function installedPackages(modules: string): { name: string; path: string }[] {
  if (!existsSync(modules)) return [];
  return readdirSync(modules).flatMap((name) => {
    if (name.startsWith('.')) return [];
    if (!name.startsWith('@')) return [{ name, path: join(modules, name) }];
    return readdirSync(join(modules, name)).map((child) => ({ name: `${name}/${child}`, path: join(modules, name, child) }));
  });
}

/** A package with a native addon: its `.node` file cannot be inlined, so it stays in node_modules. */
function hasNativeCode(path: string): boolean {
  if (existsSync(join(path, 'binding.gyp')) || existsSync(join(path, 'prebuilds'))) return true;
  return readdirSync(path).some((file) => file.endsWith('.node'));
}

/**
 * Every other package is inlined: resolving and linking the ~550 modules of MikroORM, Kysely and zod
 * one by one from node_modules took 0.14 s of a 0.35 s empty `export:run` (0.21 s bundled whole).
 */
function externals(cwd: string, extra: string[]): string[] {
  const native = installedPackages(join(cwd, 'node_modules')).filter((pkg) => hasNativeCode(pkg.path));
  return [...native.map((pkg) => pkg.name), ...extra];
}

/** Whether Node reads `file` as CommonJS: a `.cjs`, or a `.js` whose nearest package.json is not `"type": "module"`. */
function isCommonJs(file: string): boolean {
  if (!/\.c?js$/.test(file)) return false;
  if (file.endsWith('.cjs')) return true;
  for (let directory = dirname(file); directory !== dirname(directory); directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type !== 'module';
  }
  return true;
}

/**
 * Bare imports left for Node to resolve at run time: an optional dependency a package loads inside
 * try/catch (pg's `pg-native`) may be absent and must fail then, as it does unbundled; and a CommonJS
 * package imported with `import()`, which esbuild's split chunks would reduce to its default export
 * (evanw/esbuild#3245: `(await import('pg-copy-streams')).to` was undefined).
 */
const resolvedAtRunTime: Plugin = {
  name: 'resolved-at-run-time',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'probe' || args.path.startsWith('node:')) return undefined;
      const found = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'probe' });
      if (found.errors.length > 0) return { path: args.path, external: true };
      return args.kind === 'dynamic-import' && isCommonJs(found.path) ? { path: args.path, external: true } : undefined;
    });
  },
};

/** Modules that locate files next to themselves keep their own directory inside the bundle. */
const ownDirectory: Plugin = {
  name: 'own-directory',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path))),
      loader: 'ts',
    }));
  },
};

/** `sluice bundle`: the CLI, your config and their dependencies as plain JavaScript, for production workers. */
export const bundleCommand: Command = {
  usage: 'sluice bundle [--outdir dist] [--external pkg,...]',
  description: 'Bundle the CLI with your sluice config into <outdir>/sluice.mjs (plain JavaScript, for workers; needs esbuild installed)',
  options: {
    outdir: { type: 'string', value: 'dir', description: 'Where sluice.mjs and its chunks go (default dist)' },
    external: { type: 'string', value: 'pkg,...', description: 'Packages to load from node_modules instead (ones that read files next to their code)' },
  },
  async run({ options, log }) {
    const cwd = process.cwd();
    const { path: config, searched } = findSluiceConfig(options.config as string | undefined);
    if (!config) throw CliError.configNotFound(searched);
    const esbuild = await import('esbuild').catch(() => {
      throw CliError.usage('sluice bundle needs esbuild: npm install --save-dev esbuild');
    });
    const outdir = resolve(cwd, String(options.outdir ?? 'dist'));
    const extra = typeof options.external === 'string' ? options.external.split(',').filter(Boolean) : [];
    // Chunk names carry a content hash: the last build's would otherwise pile up next to the new ones.
    rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
    const { metafile } = await esbuild.build({
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
      // What only some runs need (BullMQ with Redis, the S3 client) stays in chunks loaded on first use.
      splitting: true,
      external: externals(cwd, extra),
      // MikroORM finds its extensions by class name (`Migrator`); renamed, it would load a second copy of itself.
      keepNames: true,
      plugins: [resolvedAtRunTime, ownDirectory],
      // CommonJS packages inlined into ES modules still call require() for Node's own modules.
      banner: {
        js: "#!/usr/bin/env node\nimport { createRequire as sluiceCreateRequire } from 'node:module';\nconst require = sluiceCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
      metafile: true,
    });
    writeBundleManifest(join(outdir, 'sluice.mjs'), Object.keys(metafile.inputs), cwd);
    log(`sluice bundle: ${join(outdir, 'sluice.mjs')} (the CLI with ${config}); run it with node, or with npx sluice from here until a file it holds changes`);
    return 0;
  },
};
