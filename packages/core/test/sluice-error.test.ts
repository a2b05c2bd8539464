import { describe, expect, it } from 'vitest';
import { AccessError, defineErrorCatalog, isSluiceError, NotFoundError, SluiceError, ValidationError } from '../src/index.ts';

describe('SluiceError', () => {
  it('carries code, status, details and cause, and renders the HTTP body', () => {
    const cause = new Error('low level');
    const error = new SluiceError('SOMETHING', 'Something failed', { statusCode: 418, details: { a: 1 }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SluiceError');
    expect(error.cause).toBe(cause);
    expect(error.toResponseBody()).toEqual({ error: { code: 'SOMETHING', message: 'Something failed', details: { a: 1 } } });
  });

  it('builds subclasses through static factories', () => {
    const notFound = NotFoundError.resource('Person', 7);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound.name).toBe('NotFoundError');
    expect([notFound.code, notFound.statusCode, notFound.message]).toEqual(['NOT_FOUND', 404, 'Person 7 not found']);
    expect(AccessError.unauthenticated().toResponseBody()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'Authentication required' } });
    const invalid = ValidationError.fromIssues([{ path: 'body.a', message: 'is required' }]);
    expect(invalid.details).toEqual({ issues: [{ path: 'body.a', message: 'is required' }] });
    expect(invalid.message).toBe('body.a: is required');
  });

  it('takes its HTTP status from the catalog that declares its code (stated once), and refuses a code no catalog has', () => {
    defineErrorCatalog({ TEAPOT_BUSY: { statusCode: 418, description: 'A test code.' } });
    expect(new SluiceError('TEAPOT_BUSY', 'Busy').statusCode).toBe(418);
    expect(new SluiceError('TEAPOT_BUSY', 'Busy', { statusCode: 503 }).statusCode).toBe(503);
    expect(() => new SluiceError('NOWHERE_DECLARED', 'x')).toThrow(/in no catalog/);
  });

  it('recognises sluice errors, and only them', () => {
    expect(isSluiceError(NotFoundError.route('GET', '/x'))).toBe(true);
    const lookalike = Object.assign(new Error('x'), { code: 'FST_ERR_VALIDATION', statusCode: 400 });
    expect(isSluiceError(lookalike)).toBe(false);
  });
});
