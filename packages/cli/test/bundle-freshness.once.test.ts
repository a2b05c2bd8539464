import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundleStaleness, bundleToRun, writeBundleManifest } from '../src/bundle-freshness.ts';

describe('the sluice command runs a bundle only while it holds the current code', () => {
  let app: string;
  let bundle: string;
  const env = {};
  const past = (file: string, secondsAgo: number) => utimesSync(file, Date.now() / 1000 - secondsAgo, Date.now() / 1000 - secondsAgo);

  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'sluice-fresh-'));
    mkdirSync(join(app, 'dist'));
    mkdirSync(join(app, 'src'));
    mkdirSync(join(app, 'node_modules/zod'), { recursive: true });
    for (const file of ['sluice.config.ts', 'src/entities.ts', 'node_modules/zod/index.js', 'node_modules/.package-lock.json']) {
      writeFileSync(join(app, file), '');
      past(join(app, file), 60);
    }
    bundle = join(app, 'dist/sluice.mjs');
    writeFileSync(bundle, '');
    past(bundle, 30); // built after its inputs, before the edits below
    writeBundleManifest(bundle, ['sluice.config.ts', 'src/entities.ts', 'node_modules/zod/index.js', '<stdin>'], app);
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  it('runs a fresh bundle for every command but bundle itself and --config', () => {
    expect(bundleToRun(app, ['export:list'], env, [])).toBe(bundle);
    expect(bundleToRun(app, ['bundle', '--outdir', 'dist'], env, [])).toBeNull();
    expect(bundleToRun(app, ['export:list', '--config', 'other.ts'], env, [])).toBeNull();
    expect(bundleToRun(app, ['export:list', '--config=other.ts'], env, [])).toBeNull();
  });

  it('runs the sources when asked: SLUICE_BUNDLE=off or the sluice-source condition', () => {
    expect(bundleToRun(app, ['export:list'], { SLUICE_BUNDLE: 'off' }, [])).toBeNull();
    expect(bundleToRun(app, ['export:list'], { NODE_OPTIONS: '--conditions=sluice-source' }, [])).toBeNull();
    expect(bundleToRun(app, ['export:list'], env, ['--conditions=sluice-source'])).toBeNull();
  });

  it('runs the sources once the config, a source or a dependency changed after the build, or one is gone', () => {
    for (const file of ['sluice.config.ts', 'src/entities.ts', 'node_modules/zod/index.js']) {
      const before = readFileSync(join(app, file));
      const { atime, mtime } = statSync(join(app, file));
      writeFileSync(join(app, file), '// edited');
      expect(bundleStaleness(bundle, app)).toBe(`${join(app, file)} changed after it was built`);
      expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
      // The same content with the same time again: as built.
      writeFileSync(join(app, file), before);
      utimesSync(join(app, file), atime, mtime);
    }
    expect(bundleToRun(app, ['export:list'], env, [])).toBe(bundle);
    rmSync(join(app, 'src/entities.ts'));
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
  });

  it('runs the sources when there is no bundle, or one built by a sluice that wrote no manifest', () => {
    rmSync(join(app, 'dist/sluice.inputs.json'));
    expect(bundleStaleness(bundle, app)).toMatch(/sluice\.inputs\.json is missing/);
    expect(bundleToRun(app, ['export:list'], env, [])).toBeNull();
    rmSync(bundle);
    expect(bundleStaleness(bundle, app)).toBe('not built');
  });
});
