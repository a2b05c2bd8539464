/**
 * The spreadsheet anchor: what a user writes without sluice to get the people list as XLSX, in a process
 * of its own: `node bench/exceljs-people.ts <postgres-url> <out.xlsx> [--styled]`. A pg-cursor over the
 * SELECT `list_people` runs (its default columns, every center), 5,000 rows a read, into exceljs 4.4's
 * streaming `WorkbookWriter`, a row committed as it is added. Without styles by default, exceljs's
 * fastest setting (birthdates show as day numbers); `--styled` makes the file look like sluice's (a bold
 * header, birthdates shown as dates) and takes twice as long, so the benchmark does not use it.
 */
import ExcelJS from 'exceljs';
import pg from 'pg';
import Cursor from 'pg-cursor';

const [url, out, flag] = process.argv.slice(2) as [string, string, string | undefined];
const styled = flag === '--styled';
const select = `select p.id, p.first_name, p.last_name, p.gender, p.birthdate, p.nationality, c.name as center
  from person p join center c on c.id = p.center_id where p.center_id in (1, 2, 3, 4) order by p.id`;

const client = new pg.Client({ connectionString: url });
await client.connect();
const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useStyles: styled, useSharedStrings: false });
const sheet = workbook.addWorksheet('Sheet1');
if (styled) sheet.getColumn(5).numFmt = 'yyyy-mm-dd';
const header = sheet.addRow(['Id', 'First name', 'Last name', 'Gender', 'Birthdate', 'Nationality', 'Center']);
if (styled) header.font = { bold: true };
header.commit();
const cursor = client.query(new Cursor(select, [], { rowMode: 'array' }));
for (let rows = await cursor.read(5_000); rows.length > 0; rows = await cursor.read(5_000)) {
  for (const row of rows) sheet.addRow(row).commit();
}
await cursor.close();
sheet.commit();
await workbook.commit();
await client.end();
