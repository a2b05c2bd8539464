import type { ExportPreview } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';
import { cellText } from './cell-text.ts';

const numeric = new Set(['integer', 'decimal']);

/** The preview as a table; numbers right-aligned. */
export function PreviewTable({ preview }: { preview: ExportPreview }) {
  const { messages, format } = useSluice();
  return (
    <div className="sluice-table-wrap sluice-preview-table">
      <table className="sluice-table">
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th key={column.key} scope="col" className={numeric.has(column.type ?? '') ? 'sluice-number' : undefined}>
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
                <td key={preview.columns[column]?.key} className={typeof cell.value === 'number' && cell.label === null ? 'sluice-number' : undefined}>
                  {cellText(cell, format, messages.missingValue)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {preview.truncated ? (
        <p className="sluice-muted">{messages.previewTruncated({ rows: format.number(preview.rows.length), count: preview.rows.length })}</p>
      ) : null}
    </div>
  );
}
