import { z } from 'zod';
import { isCountryCode } from '../countries.ts';

/** The largest value of a 32-bit integer column (every id and integer column of the demo). */
export const int32Max = 2_147_483_647;

/** A non-negative value that fits a 32-bit integer column. */
export const int32 = z.number().int().min(0).max(int32Max);

/** A positive integer id taken from a path segment: digits only (no `0x2`, `1e1`, ` 2` or `2.0`). */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number written in digits')
  .transform(Number)
  .pipe(z.number().max(int32Max, `must be at most ${int32Max}`));

/** A calendar day, `YYYY-MM-DD`. */
export const isoDay = z.iso.date();

/** An ISO 3166-1 alpha-2 country code such as `BE`; unknown codes are rejected. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. BE')
  .refine(isCountryCode, 'is not an ISO 3166-1 country code');

/** `{"error":{...}}`, documented on every route for OpenAPI readers. */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
