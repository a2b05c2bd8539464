import type { OrderingRequest } from './ordering.ts';

/** What a caller asks for. Exactly one of `after`, `before` and `offset` may be set. */
export interface Pager {
  limit: number;
  /** Rows after this cursor. */
  after?: string;
  /** Rows before this cursor (returned in forward order, the row nearest the cursor last). */
  before?: string;
  offset?: number;
  /** Make `after`/`before` include the cursor's own row (start or end the page at it). */
  inclusive?: boolean;
  orderBy?: readonly OrderingRequest[];
  /** Also count all rows (one more query). */
  count?: boolean;
}

/** One page of results. */
export interface Page<Item> {
  items: Item[];
  /** Continue forward with `after`; present whenever a position is known, so clients can poll for new rows. */
  nextCursor: string | null;
  /** Go back with `before`. */
  previousCursor: string | null;
  hasNext: boolean;
  hasPrevious: boolean;
  /** Only when the pager asked for it. */
  totalCount?: number;
}
