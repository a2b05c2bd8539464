/**
 * Builds every publishable package into its `dist/` (JavaScript + `.d.ts`, with tsc), dependencies first:
 * what `npm install` runs (`prepare`), so the packages install and load outside this repository, where
 * Node does not strip types. Inside the repository, code runs from `src/` (the `sluice-source` export
 * condition, set by the npm scripts).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const started = Date.now();
// @sluice/react last: its declarations name the server packages' types, so theirs must exist first.
const packages = ['core', 'db', 'pagination', 'audit', 'export', 'sync', 'cli', 'react'];
for (const name of packages) {
  const directory = join(root, 'packages', name);
  rmSync(join(directory, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(directory, 'tsconfig.build.json')], { stdio: 'inherit' });
}
// tsc emits no CSS: the React components' stylesheet is shipped as written.
cpSync(join(root, 'packages/react/src/styles.css'), join(root, 'packages/react/dist/styles.css'));
console.log(`build-packages: ${packages.length} packages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
