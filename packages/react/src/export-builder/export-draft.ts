import type { ColumnChoice, ExportRequestInput, OfferedElement, OfferedExport } from '../server-types.ts';

/** A JSON Schema as the server generates it for an element's parameters. */
export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** What the user has chosen so far. */
export interface Draft {
  export: string;
  filters: Record<string, unknown>;
  aggregators: Record<string, unknown>;
  scopes: (string | number)[];
  formatter: { alias: string; params: unknown };
  /** A list's chosen columns; `undefined` writes the export's defaults. */
  columns?: ColumnChoice[];
}

/** An element's parameter schema (the server sends JSON Schema, typed `unknown` by the registry). */
export function parametersOf(element: OfferedElement): JsonSchema {
  return (element.parameters ?? {}) as JsonSchema;
}

/** The request the API, the CLI and tasks take; no scopes means all of the user's. */
export function toRequest(draft: Draft): ExportRequestInput {
  return {
    export: draft.export,
    ...(draft.scopes.length > 0 ? { scopes: draft.scopes } : {}),
    filters: draft.filters,
    aggregators: draft.aggregators,
    formatter: draft.formatter,
    ...(draft.columns ? { columns: draft.columns } : {}),
  };
}

/** A new draft for `offered`, keeping the scopes, and the formatter when the export offers it too. */
export function draftFor(offered: OfferedExport, previous?: Draft): Draft {
  const keep = previous && offered.formatters.some((formatter) => formatter.alias === previous.formatter.alias);
  return {
    export: offered.alias,
    filters: {},
    aggregators: {},
    scopes: previous?.scopes ?? [],
    formatter: keep && previous ? previous.formatter : { alias: offered.formatters[0]?.alias ?? 'csv', params: {} },
  };
}

/** The draft of a stored request (a saved export's, a task's) whose export `offered` is. */
export function draftOf(request: ExportRequestInput, offered: OfferedExport): Draft {
  return {
    ...draftFor(offered),
    filters: request.filters ?? {},
    aggregators: request.aggregators ?? {},
    scopes: request.scopes ?? [],
    formatter: { alias: request.formatter.alias, params: request.formatter.params ?? {} },
    ...(request.columns ? { columns: request.columns } : {}),
  };
}

/**
 * The formatter's schema with `pivot.rows`/`pivot.columns` offered as a choice among the ticked
 * aggregators (the API accepts only those), or without `pivot` when nothing is aggregated.
 */
export function formatterSchema(
  formatter: OfferedElement,
  aggregators: OfferedElement[],
  titles: { layout: string; rows: string; columns: string },
): JsonSchema {
  const schema = structuredClone(parametersOf(formatter));
  const pivot = schema.properties?.pivot;
  if (!pivot?.properties || !schema.properties) return schema;
  if (aggregators.length === 0) {
    delete schema.properties.pivot;
    return schema;
  }
  const choices = aggregators.map((aggregator) => ({ const: aggregator.alias, title: aggregator.title }));
  pivot.title = titles.layout;
  for (const side of ['rows', 'columns'] as const) {
    pivot.properties[side] = { type: 'array', title: titles[side], uniqueItems: true, default: [], items: { type: 'string', anyOf: choices } };
  }
  return schema;
}
