import { z } from 'zod';
import { isCountryCode } from '../countries.ts';

// Ranges of MikroORM's integer column types, signed as every dialect stores them.
const integerRanges: Record<string, [number, number]> = {
  TinyIntType: [-128, 127],
  SmallIntType: [-32_768, 32_767],
  MediumIntType: [-8_388_608, 8_388_607],
  IntegerType: [-2_147_483_648, 2_147_483_647],
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

/** A calendar day, `YYYY-MM-DD`. */
export const isoDay = z.iso.date();

/** An ISO 3166-1 alpha-2 country code such as `BE`; unknown codes are rejected. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. BE')
  .refine(isCountryCode, 'is not an ISO 3166-1 country code');
