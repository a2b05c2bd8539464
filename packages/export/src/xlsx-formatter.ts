import type { FormatterDefinition } from './elements.ts';
import { type SheetFormat, type SpreadsheetParams, spreadsheetFormatter, xmlText } from './spreadsheet-writer.ts';
import type { ZipWriter } from './zip-writer.ts';

const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function cellXml(value: unknown, style: string): string {
  if (value === null || value === undefined || value === '') return `<c${style}/>`;
  if (typeof value === 'number' && Number.isFinite(value)) return `<c${style}><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c${style} t="b"><v>${value ? 1 : 0}</v></c>`;
  const text = value instanceof Date ? value.toISOString() : String(value);
  // Inline strings stream without a shared-string table held in memory.
  return `<c${style} t="inlineStr"><is><t xml:space="preserve">${xmlText(text)}</t></is></c>`;
}

/** SpreadsheetML (Office Open XML) parts around streamed worksheets. */
const xlsxFormat: SheetFormat = {
  row: (cells, header) => `<row>${cells.map((value) => cellXml(value, header ? ' s="1"' : '')).join('')}</row>`,
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
      `${xml}<styleSheet xmlns="${main}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`,
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
