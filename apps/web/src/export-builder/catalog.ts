/** An element as `GET /api/exports` offers it: texts and the JSON Schema of its parameters. */
export interface OfferedElement {
  alias: string;
  title: string;
  description: string;
  parameters: JsonSchema;
}

/** An export with what it can be combined with. */
export interface OfferedExport extends OfferedElement {
  kind: 'tabular' | 'list';
  filters: OfferedElement[];
  aggregators: OfferedElement[];
  formatters: (OfferedElement & { extension: string })[];
}

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; items?: JsonSchema };

/** What the user has chosen so far. */
export interface Draft {
  export: string;
  filters: Record<string, unknown>;
  aggregators: Record<string, unknown>;
  centers: number[];
  formatter: { alias: string; params: unknown };
}

/** The request the API, the CLI and tasks take; no centers means all of the user's. */
export function toRequest(draft: Draft): Record<string, unknown> {
  return {
    export: draft.export,
    ...(draft.centers.length > 0 ? { scopes: draft.centers } : {}),
    filters: draft.filters,
    aggregators: draft.aggregators,
    formatter: draft.formatter,
  };
}

/** A new draft for `offered`, keeping the formatter when the export offers it too. */
export function draftFor(offered: OfferedExport, previous?: Draft): Draft {
  const keep = previous && offered.formatters.some((formatter) => formatter.alias === previous.formatter.alias);
  return {
    export: offered.alias,
    filters: {},
    aggregators: {},
    centers: previous?.centers ?? [],
    formatter: keep && previous ? previous.formatter : { alias: offered.formatters[0]?.alias ?? 'csv', params: {} },
  };
}

/**
 * The formatter's schema with `pivot.rows`/`pivot.columns` offered as a choice among the ticked
 * aggregators (the API accepts only those), or without `pivot` when nothing is aggregated.
 */
export function formatterSchema(formatter: OfferedElement, aggregators: OfferedElement[]): JsonSchema {
  const schema = structuredClone(formatter.parameters);
  const pivot = schema.properties?.pivot;
  if (!pivot?.properties || !schema.properties) return schema;
  if (aggregators.length === 0) {
    delete schema.properties.pivot;
    return schema;
  }
  const choices = aggregators.map((aggregator) => ({ const: aggregator.alias, title: aggregator.title }));
  pivot.title = 'Layout';
  for (const [side, title] of [
    ['rows', 'As rows'],
    ['columns', 'As columns'],
  ] as const) {
    pivot.properties[side] = { type: 'array', title, uniqueItems: true, default: [], items: { type: 'string', anyOf: choices } };
  }
  return schema;
}
