import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by `@sluice/pagination`; all are client errors, raised before any SQL runs. */
export const paginationErrorCodes = defineErrorCatalog({
  PAGINATION_INVALID_CURSOR: {
    statusCode: 400,
    description: 'The cursor is malformed, of another version, made for another ordering, of the wrong arity or value types, or fails its signature.',
  },
  PAGINATION_UNKNOWN_ORDERING: { statusCode: 400, description: 'The pager orders by a name the query does not declare.' },
  PAGINATION_INVALID_PAGER: { statusCode: 400, description: 'The pager is inconsistent: more than one of after/before/offset, a negative or too large limit.' },
  PAGINATION_OFFSET_TOO_LARGE: { statusCode: 400, description: 'The offset exceeds the maximum the query allows; use cursors to go deeper.' },
});

/** A request for a page that cannot be served. */
export class PaginationError extends SluiceError {
  static invalidCursor(reason: string): PaginationError {
    return new PaginationError('PAGINATION_INVALID_CURSOR', `Invalid cursor: ${reason}`, { details: { reason } });
  }

  static unknownOrdering(name: string, allowed: string[]): PaginationError {
    return new PaginationError('PAGINATION_UNKNOWN_ORDERING', `Cannot order by "${name}"; allowed: ${allowed.join(', ')}`, {
      details: { name, allowed },
    });
  }

  static invalidPager(reason: string): PaginationError {
    return new PaginationError('PAGINATION_INVALID_PAGER', `Invalid pager: ${reason}`, { details: { reason } });
  }

  static offsetTooLarge(offset: number, maxOffset: number): PaginationError {
    return new PaginationError('PAGINATION_OFFSET_TOO_LARGE', `Offset ${offset} exceeds the maximum of ${maxOffset}; use cursors to go deeper`, {
      details: { offset, maxOffset },
    });
  }
}
