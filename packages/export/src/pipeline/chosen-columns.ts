import type { ListExportDefinition, SelectedExpression } from '../elements/export-definition.ts';
import type { Translate } from '../elements/translation.ts';
import type { ExportIssue } from './export-error.ts';
import type { ColumnChoice } from './export-request.ts';

/** The columns a list writes, in order and under their labels, or what is wrong with the choice. */
export interface ChosenColumns {
  columns: SelectedExpression[];
  issues: ExportIssue[];
}

/**
 * Resolves a request's column choice against what a list offers: every key must be offered and chosen
 * once; no choice means the export's default columns. Labels are the reader's, expressions stay the
 * export's (a request never carries SQL).
 *
 * @example chooseColumns(listPeople, [{ key: 'last_name', label: 'Surname' }, { key: 'id' }], t)
 */
export function chooseColumns(definition: ListExportDefinition, choice: readonly ColumnChoice[] | undefined, t: Translate): ChosenColumns {
  // The export's labels in the reader's language; a label the request gives is the reader's own.
  const byKey = new Map(definition.columns.map((column) => [column.key, { ...column, label: t(column.label) }]));
  if (choice === undefined) {
    const keys = definition.defaultColumns ?? definition.columns.map((column) => column.key);
    return { columns: keys.map((key) => byKey.get(key) as SelectedExpression), issues: [] };
  }
  const issues: ExportIssue[] = [];
  const columns: SelectedExpression[] = [];
  const seen = new Set<string>();
  choice.forEach(({ key, label }, index) => {
    const column = byKey.get(key);
    const path = `columns.${index}.key`;
    if (!column) issues.push({ path, message: `"${key}" is not a column of ${definition.alias} (offered: ${[...byKey.keys()].join(', ')})` });
    else if (seen.has(key)) issues.push({ path, message: `"${key}" is chosen twice` });
    else columns.push(label === undefined ? column : { ...column, label });
    seen.add(key);
  });
  return { columns, issues };
}
