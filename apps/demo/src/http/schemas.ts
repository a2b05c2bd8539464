import { z } from 'zod';
import { isCountryCode } from '../countries.ts';

/** A positive integer id taken from a path segment. */
export const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/** A calendar day, `YYYY-MM-DD`. */
export const isoDay = z.iso.date();

/** An ISO 3166-1 alpha-2 country code such as `BE`; unknown codes are rejected. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. BE')
  .refine(isCountryCode, 'is not an ISO 3166-1 country code');

/** `{"error":{...}}`, documented on every route for OpenAPI readers. */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
