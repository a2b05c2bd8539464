import fastifyRateLimit from '@fastify/rate-limit';
import { RequestError } from '@sluice/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** How many logins one client address and one account may try per window. */
export interface LoginThrottleOptions {
  perAddress: number;
  perAccount: number;
  windowMs: number;
  /** Counters live there when set, so the limits hold across server instances. */
  redisUrl?: string;
  /** Prefix of the Redis keys (instances that share limits share it). */
  namespace?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Hooks for `POST /api/login`: per client address (onRequest), per account (preHandler, needs the body). */
    loginThrottle: { perAddress: ThrottleHook; perAccount: ThrottleHook };
  }
}

type ThrottleHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

function accountKey(request: FastifyRequest): string {
  const username = (request.body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' ? username.trim().toLowerCase() : '';
}

async function throttle(app: FastifyInstance, options: LoginThrottleOptions): Promise<void> {
  // Only with Redis: an app without it never loads ioredis.
  const redis = options.redisUrl ? new (await import('ioredis')).Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) : undefined;
  if (redis) {
    // ioredis reconnects by itself; without a listener each dropped connection printed "Unhandled error event".
    redis.on('error', (error) => app.log.warn({ err: error }, 'login throttle: Redis connection failed; reconnecting'));
    app.addHook('onClose', async () => void (await redis.quit()));
  }
  await app.register(fastifyRateLimit, { global: false, redis, nameSpace: options.namespace ?? 'sluice-login-' });
  // createRateLimit, not rateLimit: the plugin's hooks run once per request, and a login passes two limits.
  const limit = (max: number, keyGenerator: (request: FastifyRequest) => string): ThrottleHook => {
    const check = app.createRateLimit({ max, timeWindow: options.windowMs, keyGenerator });
    return async (request, reply) => {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) return;
      const seconds = Math.max(1, result.ttlInSeconds);
      reply.header('retry-after', String(seconds));
      throw RequestError.rateLimited(seconds);
    };
  };
  app.decorate('loginThrottle', {
    perAddress: limit(options.perAddress, (request) => `login-address:${request.ip}`),
    perAccount: limit(options.perAccount, (request) => `login-account:${accountKey(request)}`),
  });
}

/**
 * Login throttling with `@fastify/rate-limit`: 429 `RATE_LIMITED` with `Retry-After` once an address or
 * an account tried too often in the window, counted in Redis when there is one.
 */
export const loginThrottlePlugin = fastifyPlugin(throttle, { name: 'sluice-demo-login-throttle' });
