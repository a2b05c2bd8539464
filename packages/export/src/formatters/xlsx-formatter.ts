import { CalendarDate, FixedDecimal, maxPrecision } from '../elements/column-type.ts';
import type { FormatterDefinition } from '../elements/formatter-definition.ts';
import { type SheetFormat, type SpreadsheetParams, spreadsheetFormatter, xmlText } from './spreadsheet-writer.ts';
import type { ZipWriter } from './zip-writer.ts';

const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

// Spreadsheet dates are days since 1899-12-30 (Excel's epoch, its 1900 leap-year bug included).
const excelEpoch = Date.UTC(1899, 11, 30);
const dayMs = 86_400_000;
// Cell styles (cellXfs below): 1 header, 2 date, 3 date-time, then 4 + n a number with n decimal places.
const dateStyle = ' s="2"';
const dateTimeStyle = ' s="3"';
const places = Array.from({ length: maxPrecision + 1 }, (_, n) => n);
const decimalStyles = places.map((n) => ` s="${4 + n}"`);
const decimalFormats = places.map((n) => `<numFmt numFmtId="${166 + n}" formatCode="${n === 0 ? '0' : `0.${'0'.repeat(n)}`}"/>`).join('');
const decimalXfs = places.map((n) => `<xf numFmtId="${166 + n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join('');

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 cannot hold are the point
const unwritable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|_x[0-9A-Fa-f]{4}_/g;

/**
 * Text for SpreadsheetML: control characters XML cannot hold are written as OOXML's `_xHHHH_`
 * escapes (Excel reads them back as the character), and text that already looks like an escape is
 * protected by escaping its underscore.
 */
function xlsxText(value: string): string {
  return xmlText(
    value.replace(unwritable, (match) => (match.length === 1 ? `_x${match.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_` : `_x005F${match}`)),
  );
}

const edgeSpace = /^\s|\s$|[\t\n\r]| {2}/;
// Anything that needs escaping, a `_xHHHH_` guard or xml:space: most text has none, and one test
// replaces three scans (of a million-row export's 1.1 s making cells, 0.4 s was those scans).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const needsCare = /[&<>"\u0000-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_|^\s|\s$| {2}/;

/** Days since Excel's epoch of a `YYYY-MM-DD` date, without building and parsing a date-time string per cell. */
function excelDay(iso: string): number {
  const year = Number(iso.slice(0, -6));
  // Date.UTC reads years 0-99 as 1900-1999.
  const utc = year >= 100 ? Date.UTC(year, Number(iso.slice(-5, -3)) - 1, Number(iso.slice(-2))) : Date.parse(`${iso}T00:00:00Z`);
  return (utc - excelEpoch) / dayMs;
}

function cellXml(value: unknown, style: string): string {
  if (value === null || value === undefined || value === '') return `<c${style}/>`;
  if (typeof value === 'number' && Number.isFinite(value)) return `<c${style}><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c${style} t="b"><v>${value ? 1 : 0}</v></c>`;
  if (value instanceof CalendarDate) return `<c${style || dateStyle}><v>${excelDay(value.iso)}</v></c>`;
  if (value instanceof FixedDecimal) return `<c${style || decimalStyles[Math.min(value.places, maxPrecision)]}><v>${value.value}</v></c>`;
  if (value instanceof Date) return `<c${style || dateTimeStyle}><v>${(value.getTime() - excelEpoch) / dayMs}</v></c>`;
  // Inline strings stream without a shared-string table held in memory. They are text, never
  // evaluated, so nothing in them is altered (formula guards belong to CSV).
  const text = String(value);
  if (!needsCare.test(text)) return `<c${style} t="inlineStr"><is><t>${text}</t></is></c>`;
  // Only text with white space at an edge, or more than single spaces, needs xml:space (readers may
  // trim or collapse it otherwise); leaving it off the rest saves 21 bytes per string cell.
  return `<c${style} t="inlineStr"><is><t${edgeSpace.test(text) ? ' xml:space="preserve"' : ''}>${xlsxText(text)}</t></is></c>`;
}

/** SpreadsheetML (Office Open XML) parts around streamed worksheets. */
const xlsxFormat: SheetFormat = {
  row: (cells, header) => {
    const style = header ? ' s="1"' : '';
    let xml = '<row>';
    for (const value of cells) xml += cellXml(value, style);
    return `${xml}</row>`;
  },
  textCells: {
    rowStart: '<row>',
    rowEnd: '</row>',
    empty: '<c/>',
    integer: ['<c><v>', '</v></c>'],
    text: ['<c t="inlineStr"><is><t>', '</t></is></c>'],
    day: { parts: [`<c${dateStyle}><v>`, '</v></c>'], as: 'serial' },
    cell: (value) => cellXml(value, ''),
  },
  sheetStart: () => `${xml}<worksheet xmlns="${main}"><sheetData>`,
  sheetEnd: () => '</sheetData></worksheet>',
  leadingEntries: async () => {},
  singleEntry: null,
  sheetPath: (index) => `xl/worksheets/sheet${index}.xml`,
  async trailingEntries(zip: ZipWriter, sheets) {
    const add = (path: string, text: string) => zip.addDeflated(path, text);
    await add(
      '[Content_Types].xml',
      `${xml}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${sheets
        .map(
          (_, i) =>
            `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
        )
        .join('')}</Types>`,
    );
    await add(
      '_rels/.rels',
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    );
    await add(
      'xl/workbook.xml',
      `${xml}<workbook xmlns="${main}" xmlns:r="${relationships}"><sheets>${sheets.map((name, i) => `<sheet name="${xmlText(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
    );
    await add(
      'xl/_rels/workbook.xml.rels',
      `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
        .map((_, i) => `<Relationship Id="rId${i + 1}" Type="${relationships}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
        .join('')}<Relationship Id="rId${sheets.length + 1}" Type="${relationships}/styles" Target="styles.xml"/></Relationships>`,
    );
    await add(
      'xl/styles.xml',
      `${xml}<styleSheet xmlns="${main}"><numFmts count="${2 + places.length}"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/>${decimalFormats}</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${4 + places.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>${decimalXfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    );
  },
};

/** `xlsx`: Excel workbook, tabular or list, streamed; a new sheet every 1,048,576 rows. */
export const xlsxFormatter: FormatterDefinition<SpreadsheetParams> = spreadsheetFormatter(xlsxFormat, {
  alias: 'xlsx',
  title: 'Excel (XLSX)',
  description: 'Excel workbook; aggregators as rows or columns',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  extension: 'xlsx',
  describe: () => 'As an Excel workbook',
});
