import { describe, expect, it } from 'vitest';
import { parseOrderBy, parsePagerQuery } from '../src/index.ts';

describe('pager query string', () => {
  it('parses limit, cursors, offset, orderBy and count', () => {
    expect(parsePagerQuery({})).toEqual({ limit: 50, count: false });
    expect(parsePagerQuery({ limit: '10', after: 'abc', orderBy: '-birthdate,lastName', count: 'true' })).toEqual({
      limit: 10,
      after: 'abc',
      count: true,
      orderBy: [
        { name: 'birthdate', direction: 'desc' },
        { name: 'lastName', direction: 'asc' },
      ],
    });
    expect(parsePagerQuery({ offset: '20' })).toMatchObject({ offset: 20 });
    expect(parseOrderBy('a, -b ,+c')).toEqual([
      { name: 'a', direction: 'asc' },
      { name: 'b', direction: 'desc' },
      { name: 'c', direction: 'asc' },
    ]);
  });

  it.each([
    [{ limit: '0' }, 'querystring.limit'],
    [{ limit: '501' }, 'querystring.limit'],
    [{ limit: 'ten' }, 'querystring.limit'],
    [{ offset: '-1' }, 'querystring.offset'],
    [{ orderBy: 'name;drop' }, 'querystring.orderBy'],
    [{ count: 'yes' }, 'querystring.count'],
    [{ after: 'a', before: 'b' }, 'querystring'],
  ])('rejects %j with VALIDATION_FAILED at %s', (query, path) => {
    expect(() => parsePagerQuery(query)).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: { issues: [expect.objectContaining({ path })] } }),
    );
  });
});
