import { ValidationError } from '@sluice/core';
import { z } from 'zod';
import type { OrderingRequest } from './ordering.ts';
import type { Pager } from './page.ts';

/** Limits of {@link pagerQuerySchema}. */
export interface PagerQueryOptions {
  /** Default 50. */
  defaultLimit?: number;
  /** Default 500. */
  maxLimit?: number;
}

/** `orderBy=-birthdate,lastName` -> `[{name:'birthdate',direction:'desc'},{name:'lastName',direction:'asc'}]`. */
export function parseOrderBy(value: string): OrderingRequest[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (part.startsWith('-') ? { name: part.slice(1), direction: 'desc' as const } : { name: part.replace(/^\+/, ''), direction: 'asc' as const }));
}

/**
 * zod schema of the query string every paginated route takes: `limit`, `after`, `before`, `offset`,
 * `orderBy` (comma-separated public names, `-` for descending) and `count=true`. Parses to a {@link Pager}.
 */
export function pagerQuerySchema(options: PagerQueryOptions = {}) {
  const maxLimit = options.maxLimit ?? 500;
  return z
    .object({
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(maxLimit)
        .default(options.defaultLimit ?? 50),
      after: z.string().min(1).max(4096).optional(),
      before: z.string().min(1).max(4096).optional(),
      offset: z.coerce.number().int().min(0).optional(),
      orderBy: z
        .string()
        .max(500)
        .regex(/^[+-]?[A-Za-z_][\w.]*(,[+-]?[A-Za-z_][\w.]*)*$/, 'must be comma-separated names, each optionally prefixed with -')
        .optional(),
      count: z.enum(['true', 'false']).optional(),
    })
    .superRefine((query, context) => {
      if ([query.after, query.before, query.offset].filter((value) => value !== undefined).length > 1) {
        context.addIssue({ code: 'custom', message: 'use only one of after, before and offset' });
      }
    });
}

/** The query-string object produced by {@link pagerQuerySchema}. */
export type PagerQuery = z.output<ReturnType<typeof pagerQuerySchema>>;

/** Turns a validated query string into a {@link Pager}. */
export function toPager(query: PagerQuery): Pager {
  const pager: Pager = { limit: query.limit, count: query.count === 'true' };
  if (query.after !== undefined) pager.after = query.after;
  if (query.before !== undefined) pager.before = query.before;
  if (query.offset !== undefined) pager.offset = query.offset;
  if (query.orderBy !== undefined) pager.orderBy = parseOrderBy(query.orderBy);
  return pager;
}

/** Validates and converts a raw query-string object (outside a zod-aware framework). */
export function parsePagerQuery(query: unknown, options: PagerQueryOptions = {}): Pager {
  const result = pagerQuerySchema(options).safeParse(query);
  if (!result.success) {
    throw ValidationError.fromIssues(result.error.issues.map((issue) => ({ path: ['querystring', ...issue.path].join('.'), message: issue.message })));
  }
  return toPager(result.data);
}

/** zod schema of a {@link Page} of `item`, for response validation and OpenAPI documents. */
export function pageResponseSchema<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable(),
    previousCursor: z.string().nullable(),
    hasNext: z.boolean(),
    hasPrevious: z.boolean(),
    totalCount: z.number().int().optional(),
  });
}
