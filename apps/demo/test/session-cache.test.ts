import { describe, expect, it } from 'vitest';
import { SessionCache } from '../src/auth/session-cache.ts';

const user = { id: 1, username: 'alice', roles: [], centerIds: [1] };

describe('session cache', () => {
  it('serves a session for its time to live, never past the session’s own expiry, and forgets it on delete', () => {
    const cache = new SessionCache(5_000, 2);
    cache.set('a', user, new Date(10_000), 0);
    expect(cache.get('a', 4_999)).toEqual(user);
    expect(cache.get('a', 5_000)).toBeNull(); // stale: read the database again
    cache.set('b', user, new Date(1_000), 0);
    expect(cache.get('b', 999)).toEqual(user);
    expect(cache.get('b', 1_000)).toBeNull(); // the session expired, cached or not
    cache.set('c', user, new Date(10_000), 0);
    cache.delete('c');
    expect(cache.get('c', 1)).toBeNull(); // logout
  });

  it('holds at most its capacity, dropping the oldest', () => {
    const cache = new SessionCache(5_000, 2);
    for (const key of ['a', 'b', 'c']) cache.set(key, user, new Date(10_000), 0);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([null, user, user]);
  });
});
