import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleToRun, writeBundleManifest } from '../src/bundle-freshness.ts';

// Ways the code `npx sluice` would run from the sources can differ from the bundle's without any
// input file getting a newer modification time than the bundle.
describe('a bundle is not run once the sources would run other code', () => {
  let app: string;
  let bundle: string;
  const env = {};
  const past = (file: string, secondsAgo: number) => utimesSync(file, Date.now() / 1000 - secondsAgo, Date.now() / 1000 - secondsAgo);
  const write = (file: string, text: string, secondsAgo = 60) => {
    writeFileSync(join(app, file), text);
    past(join(app, file), secondsAgo);
  };
  const build = (inputs: string[]) => {
    writeFileSync(bundle, '');
    past(bundle, 30);
    writeBundleManifest(bundle, inputs, app);
  };

  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'sluice-fresh-attack-'));
    for (const dir of ['dist', 'src', 'node_modules/zod']) mkdirSync(join(app, dir), { recursive: true });
    write('package.json', '{"name":"app","type":"module"}');
    write('src/entities.ts', 'export const v = 1;');
    write('node_modules/zod/index.js', 'export const z = 1;');
    write('node_modules/.package-lock.json', '{}');
    bundle = join(app, 'dist/sluice.mjs');
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  it('a config found first in the search order after the build (./sluice.config.ts over ./src/sluice.config.ts)', () => {
    write('src/sluice.config.ts', 'export default {};');
    build(['src/sluice.config.ts', 'src/entities.ts']);
    expect(bundleToRun(app, ['export:list'], env, [])).toBe(bundle);
    writeFileSync(join(app, 'sluice.config.ts'), 'export default { other: true };');
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
  });

  it("package.json's sluice.configPaths pointing at another config after the build", () => {
    write('sluice.config.ts', 'export default {};');
    write('other.config.ts', 'export default { other: true };');
    build(['sluice.config.ts', 'src/entities.ts']);
    writeFileSync(join(app, 'package.json'), '{"name":"app","type":"module","sluice":{"configPaths":["./other.config.ts"]}}');
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
  });

  it('a source replaced by other content with an older modification time (cp -p, rsync -a, tar x)', () => {
    write('sluice.config.ts', 'export default {};');
    build(['sluice.config.ts', 'src/entities.ts']);
    write('src/entities.ts', 'export const v = 2; // another version, mtime kept from its origin', 3_600);
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
  });

  it('a dependency updated where npm writes no install record (pnpm, yarn)', () => {
    rmSync(join(app, 'node_modules/.package-lock.json'));
    write('sluice.config.ts', 'export default {};');
    build(['sluice.config.ts', 'node_modules/zod/index.js']);
    writeFileSync(join(app, 'node_modules/zod/index.js'), 'export const z = 2;');
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
  });
});
