import type { CurrentUser } from './current-user.ts';

/** A resolved session kept for a short while. */
interface Entry {
  user: CurrentUser;
  /** The session's own expiry: honoured exactly, cached or not. */
  expiresAt: number;
  /** When this entry must be read from the database again. */
  staleAt: number;
}

/**
 * Sessions resolved in the last few seconds, so an authenticated request costs no database round trip.
 * Logout through this server removes the entry at once; a session's expiry is checked on every use; a
 * logout on another server instance, or a change of the user's roles or centers, is seen within `ttlMs`.
 */
export class SessionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlMs = 5_000, maxEntries = 10_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  get(tokenHash: string, now = Date.now()): CurrentUser | null {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return null;
    if (entry.staleAt <= now || entry.expiresAt <= now) {
      this.#entries.delete(tokenHash);
      return null;
    }
    return entry.user;
  }

  set(tokenHash: string, user: CurrentUser, expiresAt: Date, now = Date.now()): void {
    // Oldest entries first: a Map iterates in insertion order.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(tokenHash, { user, expiresAt: expiresAt.getTime(), staleAt: now + this.#ttlMs });
  }

  delete(tokenHash: string): void {
    this.#entries.delete(tokenHash);
  }
}
