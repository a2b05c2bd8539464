import { CalendarDate, FixedDecimal, maxPrecision } from '../elements/column-type.ts';
import type { FormatterDefinition } from '../elements/formatter-definition.ts';
import { type SheetFormat, type SpreadsheetParams, spreadsheetFormatter, xmlText } from './spreadsheet-writer.ts';
import type { ZipWriter } from './zip-writer.ts';

const mimeType = 'application/vnd.oasis.opendocument.spreadsheet';
const xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
const namespaces =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"';

// ODF collapses white space in text: spaces at an edge or after another, tabs and line breaks survive
// only as elements.
const collapsible = /^ | $| {2}|[\t\n\r]/;
// Anything to escape, drop or write as an element: most text has none, and one test replaces two scans.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const needsCare = /[&<>"\u0000-\u001F\uFFFE\uFFFF]|^ | $| {2}/;

/** Text for a `<text:p>`: XML-escaped, with the white space a reader would collapse written as elements. */
function odsText(value: string): string {
  if (!needsCare.test(value)) return value;
  const text = xmlText(value);
  if (!collapsible.test(text)) return text;
  return text
    .replace(/\r\n|\r|\n/g, '<text:line-break/>')
    .replace(/\t/g, '<text:tab/>')
    .replace(/ {2,}|^ | $/g, (run: string, offset: number, whole: string) => {
      // Inside the text the first space of a run stays a space; at an edge none does.
      const atEdge = offset === 0 || offset + run.length === whole.length;
      const kept = atEdge ? 0 : 1;
      return `${' '.repeat(kept)}<text:s text:c="${run.length - kept}"/>`;
    });
}

// A cell style per count of decimal places (`fixed0`...), each showing the number with that many.
const places = Array.from({ length: maxPrecision + 1 }, (_, n) => n);
const decimalStyles = places
  .map(
    (n) =>
      `<number:number-style style:name="decimal${n}"><number:number number:decimal-places="${n}" number:min-decimal-places="${n}" number:min-integer-digits="1"/></number:number-style><style:style style:name="fixed${n}" style:family="table-cell" style:data-style-name="decimal${n}"/>`,
  )
  .join('');

function cellXml(value: unknown, style: string): string {
  if (value === null || value === undefined || value === '') return '<table:table-cell/>';
  if (typeof value === 'number' && Number.isFinite(value))
    return `<table:table-cell${style} office:value-type="float" office:value="${value}"><text:p>${value}</text:p></table:table-cell>`;
  if (typeof value === 'boolean')
    return `<table:table-cell${style} office:value-type="boolean" office:boolean-value="${value}"><text:p>${value ? 'TRUE' : 'FALSE'}</text:p></table:table-cell>`;
  if (value instanceof FixedDecimal)
    return `<table:table-cell${style || ` table:style-name="fixed${Math.min(value.places, maxPrecision)}"`} office:value-type="float" office:value="${value.value}"><text:p>${value}</text:p></table:table-cell>`;
  if (value instanceof CalendarDate)
    return `<table:table-cell${style || ' table:style-name="date"'} office:value-type="date" office:date-value="${value.iso}"><text:p>${value.iso}</text:p></table:table-cell>`;
  if (value instanceof Date) {
    // ODS date-times carry no zone: the instant in UTC, as every other format writes it.
    const utc = value.toISOString().slice(0, 19);
    return `<table:table-cell${style || ' table:style-name="datetime"'} office:value-type="date" office:date-value="${utc}"><text:p>${utc.replace('T', ' ')}</text:p></table:table-cell>`;
  }
  // String cells are text, never evaluated: nothing in them is altered (formula guards belong to CSV).
  return `<table:table-cell${style} office:value-type="string"><text:p>${odsText(String(value))}</text:p></table:table-cell>`;
}

/** OpenDocument spreadsheet: every table streams through one content.xml. */
const odsFormat: SheetFormat = {
  row: (cells, header) => {
    const style = header ? ' table:style-name="header"' : '';
    let xml = '<table:table-row>';
    for (const value of cells) xml += cellXml(value, style);
    return `${xml}</table:table-row>`;
  },
  textCells: {
    rowStart: '<table:table-row>',
    rowEnd: '</table:table-row>',
    empty: '<table:table-cell/>',
    integer: ['<table:table-cell office:value-type="float" office:value="', '"><text:p>', '</text:p></table:table-cell>'],
    text: ['<table:table-cell office:value-type="string"><text:p>', '</text:p></table:table-cell>'],
    day: {
      parts: ['<table:table-cell table:style-name="date" office:value-type="date" office:date-value="', '"><text:p>', '</text:p></table:table-cell>'],
      as: 'iso',
    },
    cell: (value) => cellXml(value, ''),
  },
  sheetStart: (name) => `<table:table table:name="${xmlText(name)}">`,
  sheetEnd: () => '</table:table>',
  // The mimetype entry must be first and stored uncompressed, so readers can sniff the type.
  leadingEntries: (zip: ZipWriter) => zip.addStored('mimetype', Buffer.from(mimeType)),
  singleEntry: {
    path: 'content.xml',
    prefix: `${xml}<office:document-content ${namespaces} office:version="1.2"><office:automatic-styles><number:date-style style:name="day"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style><number:date-style style:name="instant"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/><number:text> </number:text><number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/><number:text>:</number:text><number:seconds number:style="long"/></number:date-style><style:style style:name="header" style:family="table-cell"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="date" style:family="table-cell" style:data-style-name="day"/><style:style style:name="datetime" style:family="table-cell" style:data-style-name="instant"/>${decimalStyles}</office:automatic-styles><office:body><office:spreadsheet>`,
    suffix: '</office:spreadsheet></office:body></office:document-content>',
  },
  sheetPath: () => 'content.xml',
  trailingEntries(zip: ZipWriter) {
    return zip.addDeflated(
      'META-INF/manifest.xml',
      `${xml}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${mimeType}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
    );
  },
};

/** `ods`: OpenDocument spreadsheet (LibreOffice), tabular or list, streamed. */
export const odsFormatter: FormatterDefinition<SpreadsheetParams> = spreadsheetFormatter(odsFormat, {
  alias: 'ods',
  title: 'OpenDocument (ODS)',
  description: 'OpenDocument spreadsheet; aggregators as rows or columns',
  contentType: mimeType,
  extension: 'ods',
  describe: () => 'As an OpenDocument spreadsheet',
});
