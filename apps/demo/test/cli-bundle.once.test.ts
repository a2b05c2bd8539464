import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundledCli } from './fixtures/bundled-cli.ts';

describe('sluice bundle', () => {
  it('replaces the chunks of the build before, whose hashed names would pile up', async () => {
    const bundle = await buildBundledCli();
    try {
      const stale = join(bundle.directory, 'dist/chunks/stale-OLD.mjs');
      await writeFile(stale, '');
      await bundle.rebuild();
      const chunks = await readdir(join(bundle.directory, 'dist/chunks'));
      expect(chunks).not.toContain('stale-OLD.mjs');
      expect(chunks.length).toBeGreaterThan(3);
    } finally {
      await bundle.remove();
    }
  });

  it('inlines dependencies except native addons and what --external names', async () => {
    const bundle = await buildBundledCli();
    try {
      const chunks = join(bundle.directory, 'dist/chunks');
      const inlined = async () => (await Promise.all((await readdir(chunks)).map((name) => readFile(join(chunks, name), 'utf8')))).join('\n');
      const first = await inlined();
      expect(first).toContain('// node_modules/zod/');
      expect(first).not.toContain('// node_modules/better-sqlite3/');
      await bundle.rebuild('--external', 'zod');
      expect(await inlined()).not.toContain('// node_modules/zod/');
    } finally {
      await bundle.remove();
    }
  });
});
