import type { z } from 'zod';
import type { Translate } from './translation.ts';

/** What every element has: a stable alias, texts, a validated parameter schema and a sentence. */
export interface ElementBase<Params> {
  /** Stable, part of the public contract (requests name it). */
  alias: string;
  title: string;
  description: string;
  /** zod object schema; cross-field checks via refinements. Published as JSON Schema for forms. */
  params: z.ZodType<Params>;
  /** "Filtered by birthdate between 01-01-1980 and 31-12-1999", in the reader's language through `t`. */
  describe(params: Params, t: Translate): string;
}
