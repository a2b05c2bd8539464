import { setAuditActor } from '@sluice/audit';
import { AccessError } from '@sluice/core';
import { errorBody } from '@sluice/core/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CurrentUser } from '../auth/current-user.ts';
import { SessionCache } from '../auth/session-cache.ts';
import { authenticate, closeSession, openSession, resolveSession } from '../auth/sessions.ts';

/** Name of the session cookie set by `POST /api/login`. */
export const sessionCookie = 'sluice_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every route not marked `config: { public: true }`. */
    user: CurrentUser;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a session (login, health, docs). */
    public?: boolean;
  }
}

function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || undefined;
  return request.cookies[sessionCookie] || undefined;
}

async function auth(app: FastifyInstance, options: { sessionTtlSeconds: number; sessionCacheMs?: number }): Promise<void> {
  // Resolved sessions are remembered for a few seconds (see SessionCache): no query per request.
  const sessions = new SessionCache(options.sessionCacheMs);
  app.decorateRequest('user', null as unknown as CurrentUser);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || request.is404 || !request.url.startsWith('/api/')) return;
    const token = sessionToken(request);
    const user = token ? await resolveSession(request.em, token, sessions) : null;
    if (!user) throw AccessError.unauthenticated();
    request.user = user;
    setAuditActor({ id: user.id, username: user.username });
  });

  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.post(
    '/api/login',
    {
      config: { public: true },
      onRequest: app.loginThrottle.perAddress,
      preHandler: app.loginThrottle.perAccount,
      schema: {
        tags: ['auth'],
        summary: 'Log in; returns a bearer token and sets a session cookie',
        body: z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
        response: { 200: z.object({ token: z.string() }), 401: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const user = await authenticate(request.em, request.body.username, request.body.password);
      if (!user) throw AccessError.invalidCredentials();
      const token = await openSession(request.em, user, options.sessionTtlSeconds);
      reply.setCookie(sessionCookie, token, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: options.sessionTtlSeconds });
      return { token };
    },
  );
  routes.post('/api/logout', { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } } }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) await closeSession(request.em, token, sessions);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.code(204).send(null);
  });
}

/** Login, logout, and the hook that authenticates every other `/api` request (app-wide, not encapsulated). */
export const authPlugin = fastifyPlugin(auth, { name: 'sluice-demo-auth' });
