/**
 * Every text an export shows its reader (titles, descriptions, column and group labels, sentences,
 * file headers, file names) is written in English in the element and passed through the
 * application's translator for the request's locale: any i18n library plugs in (i18next with
 * natural-language keys, FormatJS...), and without one the English text is used with `{{name}}`
 * placeholders filled.
 *
 * @example
 * ```ts
 * const i18n = i18next.createInstance({ keySeparator: false, nsSeparator: false, resources });
 * await i18n.init();
 * new ExportRegistry({ locales: ['en', 'fr', 'nl'], translator: (text, locale, values) => i18n.t(text, { lng: locale, ...values }) });
 * ```
 */
export type ExportTranslator = (text: string, locale: string, values?: Record<string, unknown>) => string;

/**
 * A translator bound to one request's locale, as elements receive it: `t('Born {{range}}', { range })`;
 * `t.locale` for what `Intl` formats (dates and numbers inside sentences).
 */
export interface Translate {
  (text: string, values?: Record<string, unknown>): string;
  readonly locale: string;
}

/** The English text with `{{name}}` placeholders filled: what a registry without a translator shows. */
export const untranslated: ExportTranslator = (text, _locale, values) =>
  values === undefined ? text : text.replace(/\{\{\s*(\w+)\s*\}\}/g, (placeholder, name: string) => (name in values ? String(values[name]) : placeholder));

/** `translator` bound to `locale`. */
export function translateFor(translator: ExportTranslator, locale: string): Translate {
  return Object.assign((text: string, values?: Record<string, unknown>) => translator(text, locale, values), { locale });
}
