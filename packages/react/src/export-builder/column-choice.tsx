import type { ColumnChoice, OfferedColumn } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';

/** A row of the column editor: every offered column, in the chosen order, ticked or not. */
interface ColumnRow {
  column: OfferedColumn;
  ticked: boolean;
  label: string;
}

/** The editor's rows for a choice: chosen columns first in their order, the others after (unticked). */
function rowsOf(offered: OfferedColumn[], chosen: ColumnChoice[] | undefined): ColumnRow[] {
  if (chosen === undefined) return offered.map((column) => ({ column, ticked: column.default, label: '' }));
  const byKey = new Map(offered.map((column) => [column.key, column]));
  const first = chosen.flatMap((choice) => {
    const column = byKey.get(choice.key);
    return column ? [{ column, ticked: true, label: choice.label ?? '' }] : [];
  });
  const rest = offered.filter((column) => !chosen.some((choice) => choice.key === column.key)).map((column) => ({ column, ticked: false, label: '' }));
  return [...first, ...rest];
}

/** The request's choice for the editor's rows: ticked ones, in order, a label where the user typed one. */
function choiceOf(rows: ColumnRow[]): ColumnChoice[] {
  return rows.filter((row) => row.ticked).map((row) => (row.label.trim() === '' ? { key: row.column.key } : { key: row.column.key, label: row.label.trim() }));
}

/**
 * Which columns a list writes, in what order and under what headers: tick, move up or down, rename.
 * `chosen` undefined means the export's default columns.
 */
export function ColumnChoiceEditor(props: {
  offered: OfferedColumn[];
  chosen: ColumnChoice[] | undefined;
  onChange(chosen: ColumnChoice[] | undefined): void;
}) {
  const { messages } = useSluice();
  if (props.offered.length === 0) return null;
  const rows = rowsOf(props.offered, props.chosen);
  const change = (next: ColumnRow[]) => props.onChange(choiceOf(next));
  const edit = (index: number, changes: Partial<ColumnRow>) => change(rows.map((row, i) => (i === index ? { ...row, ...changes } : row)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...rows];
    const [row] = next.splice(index, 1);
    if (row) next.splice(index + by, 0, row);
    change(next);
  };
  return (
    <fieldset className="sluice-fieldset sluice-columns">
      <legend>{messages.columnsLegend}</legend>
      <ol className="sluice-column-list">
        {rows.map((row, index) => (
          <li key={row.column.key} className={row.ticked ? 'sluice-column sluice-column--ticked' : 'sluice-column'}>
            <input
              type="checkbox"
              name={`columns.${row.column.key}`}
              aria-label={row.column.label}
              checked={row.ticked}
              onChange={(event) => edit(index, { ticked: event.target.checked })}
            />
            <input
              className="sluice-input"
              aria-label={messages.columnHeader({ column: row.column.label })}
              placeholder={row.column.label}
              value={row.label}
              maxLength={200}
              disabled={!row.ticked}
              onChange={(event) => edit(index, { label: event.target.value })}
            />
            <button
              type="button"
              className="sluice-button sluice-button--icon"
              aria-label={messages.moveUp({ column: row.column.label })}
              disabled={index === 0}
              onClick={() => move(index, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="sluice-button sluice-button--icon"
              aria-label={messages.moveDown({ column: row.column.label })}
              disabled={index === rows.length - 1}
              onClick={() => move(index, 1)}
            >
              ↓
            </button>
          </li>
        ))}
      </ol>
      {props.chosen !== undefined ? (
        <button type="button" className="sluice-button" onClick={() => props.onChange(undefined)}>
          {messages.defaultColumns}
        </button>
      ) : null}
      {rows.every((row) => !row.ticked) ? <p className="sluice-error sluice-small">{messages.noColumnChosen}</p> : null}
    </fieldset>
  );
}
