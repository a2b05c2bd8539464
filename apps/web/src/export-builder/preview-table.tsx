import { cellText, type Preview } from './preview.ts';

/** The preview as a table; numbers right-aligned. */
export function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <div className="table-wrap preview-table">
      <table>
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th key={column.key} className={column.type === 'integer' || column.type === 'decimal' ? 'num' : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, index) => (
            // Rows have no identity of their own: a preview is replaced whole, never reordered.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <tr key={index}>
              {row.map((cell, column) => (
                <td key={preview.columns[column]?.key} className={typeof cell.value === 'number' && cell.label === null ? 'num' : undefined}>
                  {cellText(cell)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {preview.truncated ? <p className="muted">Showing the first {preview.rows.length.toLocaleString()} rows.</p> : null}
    </div>
  );
}
