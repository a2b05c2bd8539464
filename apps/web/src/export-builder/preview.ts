/** `POST /api/exports/preview`'s answer: typed columns, labelled cells, the request in sentences. */
export interface Preview {
  columns: { key: string; label: string; type?: 'text' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' }[];
  rows: { value: unknown; label: string | null }[][];
  description: string[];
  truncated: boolean;
}

/** A cell as a person reads it: its label when it has one. */
export function cellText(cell: { value: unknown; label: string | null } | undefined): string {
  if (!cell) return '';
  if (cell.label !== null) return cell.label;
  if (cell.value === null || cell.value === undefined) return '–';
  return typeof cell.value === 'number' ? cell.value.toLocaleString() : String(cell.value);
}

const numeric = new Set(['integer', 'decimal']);

/** Which columns group (text, dates) and which are measured (numbers), for charts. */
export function chartShape(preview: Preview): { groups: number[]; measure: number } | null {
  const measure = preview.columns.findLastIndex((column) => numeric.has(column.type ?? ''));
  const groups = preview.columns.map((_, index) => index).filter((index) => index !== measure && !numeric.has(preview.columns[index]?.type ?? ''));
  if (measure < 0 || groups.length === 0 || groups.length > 2) return null;
  return { groups, measure };
}
