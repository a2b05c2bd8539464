import { ValidationError, type ValidationIssue } from '@sluice/core';
import type { FastifyRequest } from 'fastify';

/** Where a string breaks text storage: a NUL (PostgreSQL refuses it) or a lone UTF-16 surrogate (MariaDB does). */
function unsafeText(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return null;
}

function collect(value: unknown, path: string, issues: ValidationIssue[], depth = 0): void {
  if (issues.length >= 20 || depth > 32) return;
  if (typeof value === 'string') {
    const problem = unsafeText(value);
    if (problem) issues.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collect(item, `${path}.${index}`, issues, depth + 1);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = unsafeText(key);
      if (problem) issues.push({ path: `${path}.${key}`, message: `key ${problem}` });
      collect(item, `${path}.${key}`, issues, depth + 1);
    }
  }
}

/**
 * Rejects text no database column can store faithfully with 400 `VALIDATION_FAILED`, before any
 * schema or query sees it: every route, every field of the body, query string and path.
 */
export async function rejectUnstorableText(request: FastifyRequest): Promise<void> {
  const issues: ValidationIssue[] = [];
  collect(request.params, 'params', issues);
  collect(request.query, 'querystring', issues);
  collect(request.body, 'body', issues);
  if (issues.length > 0) throw ValidationError.fromIssues(issues);
}
