import { z } from 'zod';
import { countryName, isCountryCode } from '../countries.ts';
import { demoActivityTypes } from '../seed/reference-data.ts';

/** A value and the words a person picks it by. */
export type Choice = readonly [value: string | number, label: string];

/**
 * `item` whose JSON Schema lists its labelled choices (`anyOf` of `const` + `title`), which JSON-Schema
 * form libraries render as options showing the label and sending the value. Validation stays `item`'s.
 *
 * @example choiceOf(z.number().int(), [[1, 'Home visit'], [2, 'Phone call']])
 */
export function choiceOf<T extends z.ZodType>(item: T, choices: readonly Choice[]): T {
  return item.meta({ anyOf: choices.map(([value, label]) => ({ const: value, title: label })) });
}

/** A non-empty set of choices: an array with `uniqueItems`, so forms show checkboxes or a multi-select. */
export function setOf<T extends z.ZodType>(item: T, title: string) {
  const needed = `choose at least one ${title.toLowerCase().replace(/s$/, '')}`;
  return z
    .array(item, { error: (issue) => (issue.input === undefined ? needed : undefined) })
    .min(1, needed)
    .refine((values) => new Set(values).size === values.length, 'choose each value once')
    .meta({ title, uniqueItems: true });
}

/** Every ISO 3166-1 alpha-2 code with its English name, by name. */
export const countryChoices: readonly Choice[] = Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)))
  .filter(isCountryCode)
  .map((code): Choice => [code, countryName(code)])
  .sort((a, b) => a[1].localeCompare(b[1]));

/** The demo's activity types; ids are their position in the seeded list. */
export const activityTypeChoices: readonly Choice[] = demoActivityTypes.map((name, index): Choice => [index + 1, name]);

/** The label of `value` among `choices`, or the value itself. */
export function labelOf(choices: readonly Choice[], value: string | number): string {
  return choices.find(([candidate]) => candidate === value)?.[1] ?? String(value);
}
