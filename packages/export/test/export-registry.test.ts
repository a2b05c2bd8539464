import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ExportDefinition, ExportRegistry } from '../src/index.ts';

const base = {
  alias: 'list_books',
  title: 'List books',
  description: 'One row per book',
  params: z.object({}),
  describe: () => 'List books',
  type: 'book',
  requiredRole: 'EXPORT',
  accepts: ['book'],
  initiateQuery: () => {
    throw new Error('never run by these tests');
  },
  columns: () => [{ key: 'title', label: 'Title', expression: 'b.title' }],
};
const listColumns = [{ key: 'title', label: 'Title', expression: 'b.title' }];

// Casts stand for an application in plain JavaScript: the types would refuse these definitions.
const register = (definition: object) => () => new ExportRegistry().registerExport(definition as ExportDefinition);

describe('export registration', () => {
  it('accepts a list with a row key and a tabular export without one', () => {
    expect(register({ ...base, kind: 'list', columns: listColumns, rowKey: { expression: 'b.id', type: 'integer' } })).not.toThrow();
    expect(register({ ...base, kind: 'tabular' })).not.toThrow();
  });

  it('refuses at registration what would fail at the first run', () => {
    expect(register({ ...base, kind: 'list' })).toThrow('export "list_books": a list export needs a rowKey with an expression');
    expect(register({ ...base, kind: 'list', rowKey: { expression: 'b.id', type: 'uuid' } })).toThrow('rowKey.type must be one of integer, bigint, string');
    expect(register({ ...base, kind: 'tabular', rowKey: { expression: 'b.id', type: 'integer' } })).toThrow('a tabular export has no rowKey');
    expect(register({ ...base, kind: 'table' })).toThrow('kind must be "tabular" or "list", not "table"');
    expect(register({ ...base, kind: 'tabular', columns: undefined })).toThrow('columns must be a function');
  });

  it('refuses a second export under the same alias', () => {
    const registry = new ExportRegistry().registerExport({ ...base, kind: 'tabular' } as ExportDefinition);
    expect(() => registry.registerExport({ ...base, kind: 'tabular' } as ExportDefinition)).toThrow('export "list_books" is already registered');
  });
});
