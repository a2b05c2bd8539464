import { AsyncLocalStorage } from 'node:async_hooks';

/** Who made a change. `id` null marks a system actor (background job, migration). */
export interface AuditActor {
  id: number | null;
  username: string;
}

/** The context history is recorded in: the actor and a correlation id (e.g. the HTTP request id). */
export interface AuditContext {
  actor: AuditActor | null;
  correlationId: string | null;
}

const storage = new AsyncLocalStorage<AuditContext>();

/** The actor background jobs should use. */
export const systemActor: AuditActor = { id: null, username: 'system' };

/**
 * Runs `work` with `context`; flushes inside it are attributed to that actor. Each call has its own
 * context object, so concurrent requests never see each other's actor.
 */
export function withAuditContext<T>(context: Partial<AuditContext>, work: () => T): T {
  return storage.run({ actor: context.actor ?? null, correlationId: context.correlationId ?? null }, work);
}

/** The current context, or `null` outside any. */
export function currentAuditContext(): AuditContext | null {
  return storage.getStore() ?? null;
}

/** Sets the actor of the current context (e.g. once authentication has resolved the user). */
export function setAuditActor(actor: AuditActor): void {
  const context = storage.getStore();
  if (context) context.actor = actor;
}
