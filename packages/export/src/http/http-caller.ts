import type { EntityManager } from '@mikro-orm/sql';
import { AccessError } from '@sluice/core';
import type { FastifyRequest } from 'fastify';
import type { ExportUser } from '../elements/export-context.ts';

/** What the export plugins need from the app about each request. */
export interface ExportHttpOptions {
  /** Who calls, as the export framework sees users; null answers 401. */
  user(request: FastifyRequest): ExportUser | null | Promise<ExportUser | null>;
  /** The EntityManager this request works in (a fork per request). */
  em(request: FastifyRequest): EntityManager;
}

/** The caller of `request`, or 401. */
export async function callerOf(options: ExportHttpOptions, request: FastifyRequest): Promise<ExportUser> {
  const user = await options.user(request);
  if (!user) throw AccessError.unauthenticated();
  return user;
}
