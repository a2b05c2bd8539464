import type { LocaleFormat } from '../locale-format.ts';
import type { ExportPreview } from '../server-types.ts';

/** A preview cell as a person reads it: its label when it has one, numbers in the locale. */
export function cellText(cell: ExportPreview['rows'][number][number] | undefined, format: LocaleFormat, missing: string): string {
  if (!cell) return '';
  if (cell.label !== null) return cell.label;
  if (cell.value === null || cell.value === undefined) return missing;
  return typeof cell.value === 'number' ? format.number(cell.value) : String(cell.value);
}
