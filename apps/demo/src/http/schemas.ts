import { z } from 'zod';
import { isCountryCode } from '../countries.ts';

/** The largest value of a 32-bit integer column. */
const int32Max = 2_147_483_647;

// Ranges of MikroORM's integer column types, signed as every dialect stores them.
const integerRanges: Record<string, [number, number]> = {
  TinyIntType: [-128, 127],
  SmallIntType: [-32_768, 32_767],
  MediumIntType: [-8_388_608, 8_388_607],
  IntegerType: [-2_147_483_648, int32Max],
  BigIntType: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

interface DefinedEntity {
  meta: { className?: string; properties: Record<string, { type?: unknown; entity?: () => DefinedEntity; kind?: string }> };
}

/**
 * An integer schema whose range is the column's, read from the entity definition (a many-to-one: the
 * related primary key's), so a value the database would refuse is a 400, never a 500.
 *
 * @example
 * ```ts
 * integerColumn(CustomerOrder, 'totalPrice').min(0); // at most 2,147,483,647
 * ```
 */
export function integerColumn(entity: { meta: unknown }, property: string): z.ZodNumber {
  const definition = (entity as DefinedEntity).meta.properties[property];
  if (!definition) throw new TypeError(`no property ${property}`);
  if (definition.kind === 'm:1' && definition.entity) return integerColumn(definition.entity(), 'id');
  const name = (definition.type as { name?: string } | undefined)?.name ?? '';
  const range = integerRanges[name];
  if (!range) throw new TypeError(`${property} is not an integer column (${name})`);
  return z.number().int().min(range[0]).max(range[1]);
}

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

/** A file answered as bytes (downloads), for the OpenAPI document; the route streams it. */
export const fileResponse = {
  description: 'The file, with its content type, length and file name (Content-Disposition)',
  content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
};

/** A server-sent event stream, for the OpenAPI document. */
export const eventStreamResponse = {
  description: '`progress` events with the task on every change, then one `end` event; the stream closes after it',
  content: { 'text/event-stream': { schema: z.string() } },
};

/**
 * For bodies a library validates itself with its own error codes (export requests: the registry names
 * the element and field of every problem): the schema documents the body in OpenAPI, the route does not
 * validate it a second time.
 */
export const documentedOnly = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
