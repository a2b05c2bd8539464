import { dialectNamed } from '@sluice/db';
import { describe, expect, it } from 'vitest';
import { ConfiguredQuery, type PaginationOptions, type QueryAdapter } from '../src/index.ts';

// A recording adapter: these tests prove rejection happens before any SQL, so no query may reach it.
function recordingQuery(options: Partial<PaginationOptions> = {}) {
  const calls: string[] = [];
  const adapter: QueryAdapter<{ id: number }> = {
    dialect: dialectNamed('postgresql'),
    fetch: async (plan) => {
      calls.push('fetch');
      return plan.limit > 0 ? [{ row: { id: 1 }, keyValues: plan.keys.map((key) => (key.type === 'string' ? 'a' : 1)) }] : [];
    },
    toItems: (rows) => rows as { id: number }[],
    count: async () => {
      calls.push('count');
      return 1;
    },
    estimate: async () => {
      calls.push('estimate');
      return null;
    },
  };
  const query = new ConfiguredQuery(adapter, {
    orderings: { name: { expression: 'name', type: 'string' }, score: { expression: 'score', type: 'integer', nullable: true } },
    tiebreaker: { name: 'id', expression: 'id', type: 'integer' },
    ...options,
  });
  return { query, calls };
}

function token(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

describe('cursor validation', () => {
  const valid = token({ v: 1, o: 'name:asc,id:asc', k: ['a', 1] });

  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['not an object', token([1, 2])],
    ['another version', token({ v: 2, o: 'name:asc,id:asc', k: ['a', 1] })],
    ['another ordering', token({ v: 1, o: 'score:asc,id:asc', k: [1, 1] })],
    ['wrong arity', token({ v: 1, o: 'name:asc,id:asc', k: ['a'] })],
    ['wrong type', token({ v: 1, o: 'name:asc,id:asc', k: [5, 1] })],
    ['non-integer id', token({ v: 1, o: 'name:asc,id:asc', k: ['a', 1.5] })],
    ['null in a non-nullable key', token({ v: 1, o: 'name:asc,id:asc', k: [null, 1] })],
    ['SQL in a value of the wrong type', token({ v: 1, o: 'name:asc,id:asc', k: ['a', '1; drop table person'] })],
    ['signed where unsigned are expected', `${valid}.abc`],
    ['three parts', `${valid}.a.b`],
  ])('rejects a cursor that is %s, before any SQL', async (_, cursor) => {
    const { query, calls } = recordingQuery();
    await expect(query.paginate({ limit: 5, after: cursor, orderBy: [{ name: 'name' }] })).rejects.toMatchObject({
      code: 'PAGINATION_INVALID_CURSOR',
      statusCode: 400,
    });
    await expect(query.paginate({ limit: 5, before: cursor, orderBy: [{ name: 'name' }] })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_CURSOR' });
    expect(calls).toEqual([]);
  });

  it('accepts NULL only in nullable keys', async () => {
    const { query } = recordingQuery();
    await expect(
      query.paginate({ limit: 1, after: token({ v: 1, o: 'score:asc,id:asc', k: [null, 3] }), orderBy: [{ name: 'score' }] }),
    ).resolves.toBeDefined();
  });

  it('signs cursors with HMAC when a secret is set, and rejects tampered or unsigned ones', async () => {
    const { query, calls } = recordingQuery({ cursorSecret: 's3cret' });
    const page = await query.paginate({ limit: 1, orderBy: [{ name: 'name' }] });
    const cursor = page.nextCursor as string;
    expect(cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    await expect(query.paginate({ limit: 1, after: cursor, orderBy: [{ name: 'name' }] })).resolves.toBeDefined();
    calls.length = 0;
    const [body, tag] = cursor.split('.') as [string, string];
    const tampered = token({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), k: ['b', 1] });
    for (const bad of [`${tampered}.${tag}`, body, `${body}.${tag.slice(0, -2)}xx`]) {
      await expect(query.paginate({ limit: 1, after: bad, orderBy: [{ name: 'name' }] })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_CURSOR' });
    }
    const other = recordingQuery({ cursorSecret: 'other' }).query;
    await expect(other.paginate({ limit: 1, after: cursor, orderBy: [{ name: 'name' }] })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_CURSOR' });
    expect(calls).toEqual([]);
  });

  it('rejects unknown orderings and inconsistent pagers before any SQL', async () => {
    const { query, calls } = recordingQuery();
    await expect(query.paginate({ limit: 5, orderBy: [{ name: 'password' }] })).rejects.toMatchObject({ code: 'PAGINATION_UNKNOWN_ORDERING' });
    await expect(query.paginate({ limit: 5, orderBy: [{ name: 'constructor' }] })).rejects.toMatchObject({ code: 'PAGINATION_UNKNOWN_ORDERING' });
    await expect(query.paginate({ limit: 5, orderBy: [{ name: 'name' }, { name: 'name' }] })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_PAGER' });
    await expect(query.paginate({ limit: 501 })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_PAGER' });
    await expect(query.paginate({ limit: -1 })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_PAGER' });
    await expect(query.paginate({ limit: 5, after: valid, offset: 3 })).rejects.toMatchObject({ code: 'PAGINATION_INVALID_PAGER' });
    await expect(query.paginate({ limit: 5, offset: 20_000 })).rejects.toMatchObject({ code: 'PAGINATION_OFFSET_TOO_LARGE' });
    expect(calls).toEqual([]);
  });
});
