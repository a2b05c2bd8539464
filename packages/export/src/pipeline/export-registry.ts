import Negotiator from 'negotiator';
import { z } from 'zod';
import type { AggregatorDefinition } from '../elements/aggregator-definition.ts';
import type { ExportUser } from '../elements/export-context.ts';
import { type ExportDefinition, exportDefinitionProblem, type ListExportDefinition, type SelectedExpression } from '../elements/export-definition.ts';
import type { FilterDefinition } from '../elements/filter-definition.ts';
import type { FormatterDefinition } from '../elements/formatter-definition.ts';
import { type ExportTranslator, type Translate, translateFor, untranslated } from '../elements/translation.ts';
import { chooseColumns } from './chosen-columns.ts';
import { ExportError, type ExportIssue } from './export-error.ts';
import { columnChoiceSchema, type ExportRequest, exportRequestSchema, upgradeStoredRequest } from './export-request.ts';
import type { OfferedColumn, OfferedElement, OfferedExport } from './offered-export.ts';

/** A request that passed every check: elements resolved, parameters parsed, scopes authorized. */
export interface PreparedExport {
  export: { definition: ExportDefinition; params: unknown };
  filters: { definition: FilterDefinition; params: unknown }[];
  aggregators: { definition: AggregatorDefinition; params: unknown }[];
  formatter: { definition: FormatterDefinition; params: unknown };
  scopes: string[];
  user: ExportUser;
  /** A list's chosen columns, in order, under their labels (a tabular export computes its own). */
  columns?: SelectedExpression[];
  /** The reader's language, among the registry's locales, and its texts. */
  locale: string;
  t: Translate;
  /** The request as validated, scopes made explicit: what a task stores and re-runs. */
  request: ExportRequest;
}

/** A JSON Schema with every `title` and `description` in the reader's language. */
function translatedSchema(schema: unknown, t: Translate): unknown {
  if (Array.isArray(schema)) return schema.map((item) => translatedSchema(item, t));
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      (key === 'title' || key === 'description') && typeof value === 'string'
        ? t(value)
        : key === 'const' || key === 'enum'
          ? value
          : translatedSchema(value, t),
    ]),
  );
}

function offered(element: { alias: string; title: string; description: string; params: z.ZodType }, t: Translate): OfferedElement {
  return {
    alias: element.alias,
    title: t(element.title),
    description: t(element.description),
    parameters: translatedSchema(z.toJSONSchema(element.params, { io: 'input', unrepresentable: 'any' }), t) as Record<string, unknown>,
  };
}

function offeredColumns(definition: ListExportDefinition, t: Translate): OfferedColumn[] {
  const defaults = definition.defaultColumns;
  return definition.columns.map(({ key, label, type = 'text' }) => ({ key, label: t(label), type, default: defaults === undefined || defaults.includes(key) }));
}

/** Options of {@link ExportRegistry}. */
export interface ExportRegistryOptions {
  /** Languages the application translates its exports into, the default first (default `['en']`). */
  locales?: readonly string[];
  /** Translates every text a reader sees (default: the elements' English, placeholders filled). */
  translator?: ExportTranslator;
}

/** A list's column choice in OpenAPI: its own keys only. */
function columnChoicesOf(definition: ListExportDefinition) {
  const keys = definition.columns.map((column) => column.key) as [string, ...string[]];
  return z.array(columnChoiceSchema.extend({ key: z.enum(keys) })).min(1);
}

function zodIssues(error: z.ZodError, prefix: string): ExportIssue[] {
  return error.issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
}

type Element = { alias: string };

/**
 * Elements by alias. Modules register exports, filters, aggregators and formatters; the registry
 * matches them by type, offers each user what their roles allow, and validates whole requests
 * before any query runs. Authorization fails closed: nothing unknown or forbidden is ever dropped.
 *
 * @example
 * ```ts
 * const registry = new ExportRegistry().registerExport(listPeople).registerFilter(bornBetween).registerFormatter(csvListFormatter);
 * registry.available(user); // what this user may run, with the JSON Schemas of every element's parameters
 * const prepared = registry.prepare({ export: 'list_people', filters: { born_between: { from: '1980-01-01' } }, formatter: { alias: 'csv_list' } }, user);
 * ```
 */
export class ExportRegistry {
  readonly #locales: readonly string[];
  readonly #translator: ExportTranslator;
  readonly #exports = new Map<string, ExportDefinition>();
  readonly #filters = new Map<string, FilterDefinition>();
  readonly #aggregators = new Map<string, AggregatorDefinition>();
  readonly #formatters = new Map<string, FormatterDefinition>();

  constructor(options: ExportRegistryOptions = {}) {
    this.#locales = options.locales?.length ? options.locales : ['en'];
    this.#translator = options.translator ?? untranslated;
  }

  /** The languages exports are offered in, the default first. */
  get locales(): readonly string[] {
    return this.#locales;
  }

  /**
   * The best of the registry's locales for `wanted`: a request's `locale`, or an `Accept-Language`
   * header (`fr-BE,fr;q=0.9,en;q=0.5`); the default when none matches, even by language.
   */
  localeFor(wanted: string | undefined): string {
    if (wanted === undefined || wanted === '') return this.#locales[0] as string;
    if (this.#locales.includes(wanted)) return wanted;
    return new Negotiator({ headers: { 'accept-language': wanted } }).language([...this.#locales]) ?? (this.#locales[0] as string);
  }

  /** Texts in `locale` (one of {@link locales}). */
  translate(locale: string): Translate {
    return translateFor(this.#translator, locale);
  }

  #add<T extends Element>(map: Map<string, T>, kind: string, element: T): this {
    if (map.has(element.alias)) throw new TypeError(`${kind} "${element.alias}" is already registered`);
    map.set(element.alias, element);
    return this;
  }

  /** @throws TypeError when the definition is incomplete (e.g. a list without a `rowKey`): at start-up, not at its first run. */
  registerExport<P>(definition: ExportDefinition<P>): this {
    const problem = exportDefinitionProblem(definition as ExportDefinition);
    if (problem) throw new TypeError(`export "${definition.alias}": ${problem}`);
    return this.#add(this.#exports, 'export', definition as ExportDefinition);
  }

  registerFilter<P>(definition: FilterDefinition<P>): this {
    return this.#add(this.#filters, 'filter', definition as FilterDefinition);
  }

  registerAggregator<P>(definition: AggregatorDefinition<P>): this {
    return this.#add(this.#aggregators, 'aggregator', definition as AggregatorDefinition);
  }

  registerFormatter<P>(definition: FormatterDefinition<P>): this {
    return this.#add(this.#formatters, 'formatter', definition as FormatterDefinition);
  }

  /**
   * A stored request in words, in `locale`: the export's title, one sentence per element, the
   * formatter's title; what a task list shows instead of aliases. Elements are looked up, not checked
   * (roles are the runner's business): one no longer registered, or whose parameters no longer parse,
   * is shown by its alias.
   */
  summaryOf(request: ExportRequest, locale?: string): { title: string; description: string[]; formatter: string } {
    const t = this.translate(this.localeFor(locale ?? request.locale));
    const sentence = (element: { params: z.ZodType; describe(params: unknown, t: Translate): string } | undefined, value: unknown, alias: string) => {
      const parsed = element?.params.safeParse(value ?? {});
      return element && parsed?.success ? element.describe(parsed.data, t) : alias;
    };
    const definition = this.#exports.get(request.export);
    return {
      title: definition ? t(definition.title) : request.export,
      description: [
        sentence(definition as never, {}, request.export),
        ...Object.entries(request.filters ?? {}).map(([alias, value]) => sentence(this.#filters.get(alias) as never, value, alias)),
        ...Object.entries(request.aggregators ?? {}).map(([alias, value]) => sentence(this.#aggregators.get(alias) as never, value, alias)),
      ],
      formatter: t(this.#formatters.get(request.formatter.alias)?.title ?? request.formatter.alias),
    };
  }

  /** The title of export `alias` (what e-mails and pages call it), if it is registered. */
  exportTitle(alias: string): string | undefined {
    return this.#exports.get(alias)?.title;
  }

  /**
   * The requests this registry takes, typed element by element (one object per export, its filters',
   * aggregators' and formatters' parameters as their own schemas), with `extra` fields: what an API
   * documents, and what a generated client is typed from. {@link ExportRegistry.prepare} remains the
   * validation (roles, applicability, cross-field checks).
   */
  requestSchema(extra: z.ZodRawShape = {}): z.ZodType {
    const byAlias = (elements: { alias: string; params: z.ZodType }[]) =>
      z.strictObject(Object.fromEntries(elements.map((element) => [element.alias, element.params.optional()])));
    const requests = [...this.#exports.values()].map((definition) => {
      const applies = (element: { applyOn: string }) => definition.accepts.includes(element.applyOn);
      const formatters = [...this.#formatters.values()].filter((formatter) => formatter.kinds.includes(definition.kind));
      return z
        .strictObject({
          ...exportRequestSchema.omit({ columns: true }).shape,
          ...extra,
          ...(definition.kind === 'list' ? { columns: columnChoicesOf(definition).optional() } : {}),
          export: z.literal(definition.alias),
          filters: byAlias([...this.#filters.values()].filter(applies)).optional(),
          aggregators: byAlias(definition.kind === 'tabular' ? [...this.#aggregators.values()].filter(applies) : []).optional(),
          formatter: z.union(formatters.map((formatter) => z.strictObject({ alias: z.literal(formatter.alias), params: formatter.params.optional() }))),
        })
        .meta({ title: definition.title, description: definition.description });
    });
    const [first, ...rest] = requests;
    return first ? (rest.length > 0 ? z.union([first, ...rest]) : first) : exportRequestSchema.extend(extra);
  }

  /** What `user` may run in every one of `scopes` (default: all of theirs), in `locale`'s words. */
  available(user: ExportUser, scopes: readonly string[] = user.scopes, locale?: string): OfferedExport[] {
    const t = this.translate(this.localeFor(locale));
    const offer = (element: { alias: string; title: string; description: string; params: z.ZodType }) => offered(element, t);
    const allowed = (role: string) => scopes.length > 0 && scopes.every((scope) => user.scopes.includes(scope) && user.hasRole(role, scope));
    return [...this.#exports.values()]
      .filter((definition) => allowed(definition.requiredRole))
      .map((definition) => ({
        ...offer(definition),
        type: definition.type,
        kind: definition.kind,
        filters: [...this.#filters.values()]
          .filter((f) => definition.accepts.includes(f.applyOn) && allowed(f.requiredRole ?? definition.requiredRole))
          .map(offer),
        aggregators:
          definition.kind === 'tabular'
            ? [...this.#aggregators.values()]
                .filter((a) => definition.accepts.includes(a.applyOn) && allowed(a.requiredRole ?? definition.requiredRole))
                .map(offer)
            : [],
        formatters: [...this.#formatters.values()].filter((f) => f.kinds.includes(definition.kind)).map((f) => ({ ...offer(f), extension: f.extension })),
        columns: definition.kind === 'list' ? offeredColumns(definition, t) : [],
      }));
  }

  /** Validates `body` completely (shape, aliases, applicability, roles, parameters) for `user`. */
  prepare(body: unknown, user: ExportUser): PreparedExport {
    const parsed = exportRequestSchema.safeParse(upgradeStoredRequest(body));
    if (!parsed.success) throw ExportError.invalidRequest(zodIssues(parsed.error, 'request'));
    const request: ExportRequest = parsed.data;
    const locale = this.localeFor(request.locale);
    const t = this.translate(locale);

    const definition = this.#exports.get(request.export);
    if (!definition) throw ExportError.unknownElement('export', request.export);
    const scopes = request.scopes ?? [...user.scopes];
    if (scopes.length === 0) throw ExportError.forbidden('You may not use any scope');
    for (const scope of scopes) if (!user.scopes.includes(scope)) throw ExportError.forbidden(`You may not use scope ${scope}`);
    const requireRole = (role: string, element: string) => {
      const missing = scopes.find((scope) => !user.hasRole(role, scope));
      if (missing !== undefined) throw ExportError.forbidden(`${element} needs the ${role} role in scope ${missing}`);
    };
    requireRole(definition.requiredRole, `Export "${definition.alias}"`);

    const issues: ExportIssue[] = [];
    const parse = (schema: z.ZodType, value: unknown, path: string) => {
      const result = schema.safeParse(value ?? {});
      if (!result.success) issues.push(...zodIssues(result.error, path));
      return result.data;
    };
    const exportParams = parse(definition.params, {}, 'export');

    const modifiers = <T extends FilterDefinition | AggregatorDefinition>(
      map: Map<string, T>,
      kind: 'filter' | 'aggregator',
      entries: Record<string, unknown>,
    ) =>
      Object.entries(entries).map(([alias, value]) => {
        const modifier = map.get(alias);
        const path = `${kind}s.${alias}`;
        if (!modifier) throw ExportError.unknownElement(kind, alias);
        if (!definition.accepts.includes(modifier.applyOn))
          throw ExportError.notApplicable(path, `applies to ${modifier.applyOn}, not to export "${definition.alias}"`);
        requireRole(modifier.requiredRole ?? definition.requiredRole, `${kind === 'filter' ? 'Filter' : 'Aggregator'} "${alias}"`);
        return { definition: modifier, params: parse(modifier.params, value, path) };
      });
    const filters = modifiers(this.#filters, 'filter', request.filters);
    if (definition.kind === 'list' && Object.keys(request.aggregators).length > 0)
      throw ExportError.notApplicable('aggregators', `list export "${definition.alias}" cannot be grouped`);
    if (definition.kind === 'tabular' && request.columns !== undefined)
      throw ExportError.notApplicable('columns', `"${definition.alias}" computes its columns; only a list's can be chosen`);
    const chosen = definition.kind === 'list' ? chooseColumns(definition, request.columns, t) : undefined;
    if (chosen) issues.push(...chosen.issues);
    const aggregators = modifiers(this.#aggregators, 'aggregator', request.aggregators);

    const formatter = this.#formatters.get(request.formatter.alias);
    if (!formatter) throw ExportError.unknownElement('formatter', request.formatter.alias);
    if (!formatter.kinds.includes(definition.kind)) {
      throw ExportError.notApplicable(
        'formatter',
        `"${formatter.alias}" formats ${formatter.kinds.join(' and ')} results, "${definition.alias}" is ${definition.kind}`,
      );
    }
    const formatterParams = parse(formatter.params, request.formatter.params, 'formatter');
    if (formatterParams !== undefined && formatter.check) {
      issues.push(
        ...formatter
          .check(
            formatterParams,
            aggregators.map((aggregator) => aggregator.definition.alias),
          )
          .map((issue) => ({ ...issue, path: `formatter.${issue.path}` })),
      );
    }

    if (issues.length > 0) throw ExportError.invalidParameters(issues);
    return {
      export: { definition, params: exportParams },
      filters,
      aggregators,
      formatter: { definition: formatter, params: formatterParams },
      scopes,
      user,
      columns: chosen?.columns,
      locale,
      t,
      request: { ...request, scopes },
    };
  }
}
