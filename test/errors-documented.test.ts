import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCatalog } from '@sluice/core';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Every exported `...ErrorCodes` catalog of every workspace package. */
async function catalogs(): Promise<Map<string, { statusCode: number; source: string }>> {
  const codes = new Map<string, { statusCode: number; source: string }>();
  for (const name of await readdir(join(root, 'packages'))) {
    const index = join(root, 'packages', name, 'src', 'index.ts');
    const exports = (await import(index).catch(() => ({}))) as Record<string, unknown>;
    for (const [exportName, value] of Object.entries(exports)) {
      if (!exportName.endsWith('ErrorCodes')) continue;
      for (const [code, entry] of Object.entries(value as ErrorCatalog)) codes.set(code, { statusCode: entry.statusCode, source: `${name}:${exportName}` });
    }
  }
  return codes;
}

/** Rows of the tables in docs/errors.md: `| \`CODE\` | status | meaning |`. */
async function documented(): Promise<Map<string, number>> {
  const text = await readFile(join(root, 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) rows.set(match[1] as string, Number(match[2]));
  return rows;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => join(entry.parentPath, entry.name));
}

describe('error codes', () => {
  it('are all documented in docs/errors.md with their HTTP status, and nothing else is', async () => {
    const known = await catalogs();
    const docs = await documented();
    expect(known.size).toBeGreaterThan(5);
    for (const [code, { statusCode, source }] of known) {
      expect(docs.get(code), `${code} (${source}) missing from docs/errors.md`).toBe(statusCode);
    }
    expect(
      [...docs.keys()].filter((code) => !known.has(code)),
      'documented codes no catalog declares',
    ).toEqual([]);
  });

  it('used in source are all declared in a catalog', async () => {
    const known = await catalogs();
    const files = [...(await sourceFiles(join(root, 'packages'))), ...(await sourceFiles(join(root, 'apps')))].filter((file) => file.includes('/src/'));
    const used = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/new \w*Error\(\s*'([A-Z][A-Z0-9_]+)'/g)) used.add(match[1] as string);
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((code) => !known.has(code))).toEqual([]);
  });
});
