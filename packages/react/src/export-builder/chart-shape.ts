import type { ExportPreview } from '../server-types.ts';

const numeric = new Set(['integer', 'decimal']);

/**
 * Which columns group (text, dates) and which one is measured (the last number), when a preview can be
 * drawn: one or two groupings. A time period as the first grouping is drawn as a line.
 */
export function chartShape(preview: ExportPreview): { groups: number[]; measure: number; kind: 'bar' | 'line' } | null {
  const measure = preview.columns.findLastIndex((column) => numeric.has(column.type ?? ''));
  const groups = preview.columns.map((_, index) => index).filter((index) => index !== measure && !numeric.has(preview.columns[index]?.type ?? ''));
  if (measure < 0 || groups.length === 0 || groups.length > 2) return null;
  const kind = preview.columns[groups[0] ?? 0]?.key.endsWith('_period') ? 'line' : 'bar';
  return { groups, measure, kind };
}
