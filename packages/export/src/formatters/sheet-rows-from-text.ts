/*
 * Spreadsheet rows straight from the database's text records (see DatabaseText), byte for byte what the
 * row path writes for the same rows: plain text, integers and days are copied between the format's
 * fixed bytes without making a JavaScript value, NULL is the empty cell; anything else (text to escape,
 * decimals, date-times) is made into the row path's value and written by the format's own cell function.
 * The row path's driver row objects, cell strings and row strings, and the garbage they made, were most
 * of a million-row XLSX export's 7.5 s; this makes its XML in 0.33 s of CPU (docs/benchmarks.md).
 */
import type { DatabaseTextColumn } from '../elements/export-result.ts';

/** The fixed bytes a format writes around the values COPY text can fill without making a value. */
export interface SheetTextCells {
  rowStart: string;
  rowEnd: string;
  /** A NULL cell (as the row path writes it: `cell(null)`). */
  empty: string;
  /** Around an integer's digits, which stand in every gap (ODS writes them twice). */
  integer: string[];
  /** Around plain text: nothing to escape, no white space a reader would collapse. */
  text: string[];
  /** Around a calendar day, in every gap, written as days since 1899-12-30 (`serial`) or as `YYYY-MM-DD` (`iso`). */
  day: { parts: string[]; as: 'serial' | 'iso' };
  /** Any value as the row path writes its cell. */
  cell(value: unknown): string;
}

const tab = 0x09;
const newline = 0x0a;
const space = 0x20;
const backslash = 0x5c;
const minus = 0x2d;

// Bytes after which text is not copied as is: the separators, control characters and backslash
// escapes, what XML escapes, `_` (XLSX's `_xHHHH_` escapes) and 0xEF (the start of U+FFFE and U+FFFF,
// which XML cannot hold). Such text takes the format's own cell function.
const stops = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte++) stops[byte] = 1;
for (const byte of [0x22, 0x26, 0x3c, 0x3e, backslash, 0x5f, 0xef]) stops[byte] = 1;

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil), as Date.UTC counts them.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

const serialEpoch = daysFromCivil(1899, 12, 30);
const shapes = { text: 1, integer: 2, day: 3, other: 0 } as const;

// COPY's escapes of control characters: `\b` `\f` `\n` `\r` `\t` `\v`; a backslash before anything else stands for that.
const escaped = new Map([
  [0x62, 0x08],
  [0x66, 0x0c],
  [0x6e, 0x0a],
  [0x72, 0x0d],
  [0x74, 0x09],
  [0x76, 0x0b],
]);

/** A COPY text field as the text it stands for. */
function unescaped(data: Buffer, from: number, to: number): string {
  const first = data.indexOf(backslash, from);
  if (first < 0 || first >= to) return data.toString('utf8', from, to);
  const bytes: number[] = [];
  for (let p = from; p < to; p++) {
    let byte = data[p] as number;
    if (byte === backslash && p + 1 < to) {
      byte = data[++p] as number;
      byte = escaped.get(byte) ?? byte;
    }
    bytes.push(byte);
  }
  return Buffer.from(bytes).toString('utf8');
}

// What is pending before a cell: the row's start, the last part of the cell before (written with the
// next cell's first part in one copy), or nothing (after a cell the format's function wrote).
const atRowStart = 0;
const afterParts = 1;
const afterCell = 2;

/**
 * Turns whole COPY text records into a format's row XML, as UTF-8 bytes ready for the zip.
 *
 * @example
 * const rows = new SheetRowsFromText(xlsxTextCells, text.columns);
 * const { xml, records, next } = rows.convert(chunk, 0, Infinity);
 */
export class SheetRowsFromText {
  readonly #cells: SheetTextCells;
  readonly #columns: readonly DatabaseTextColumn[];
  readonly #shapes: Uint8Array;
  /** Per column and pending state (`3 * column + state`): the pending bytes and the cell's first part, in one buffer. */
  readonly #leads: Buffer[] = [];
  /** Per column and pending state: the pending bytes alone, before a cell the format's function writes. */
  readonly #pending: Buffer[] = [];
  /** Per column and pending state: the pending bytes and an empty cell. */
  readonly #nulls: Buffer[] = [];
  /** Per pending state: the pending bytes and the row's end. */
  readonly #tails: Buffer[] = [];
  /** Per column: the parts between the value's copies (ODS writes a value twice). */
  readonly #middles: Buffer[][] = [];
  readonly #serialDays: boolean;
  /** The most a record's fixed bytes can take, beyond twice its own bytes. */
  readonly #recordBudget: number;
  /** Output bytes per input byte so far, to size the next output. */
  #ratio = 4;
  /**
   * Outputs the zip has read, to fill again: a fresh buffer per chunk (700 MB for a million rows of ODS)
   * cost page faults and garbage collections worth a third of the conversion.
   */
  readonly #spare: Buffer[] = [];

  constructor(cells: SheetTextCells, columns: readonly DatabaseTextColumn[]) {
    this.#cells = cells;
    this.#columns = columns;
    this.#shapes = Uint8Array.from(columns, (column) => shapes[column.shape]);
    this.#serialDays = cells.day.as === 'serial';
    const partsOf = (column: number): string[] => {
      const shape = columns[column]?.shape;
      return shape === 'text' ? cells.text : shape === 'integer' ? cells.integer : shape === 'day' ? cells.day.parts : [];
    };
    const pendingText = (column: number, state: number) =>
      state === atRowStart ? cells.rowStart : state === afterParts ? (partsOf(column - 1).at(-1) ?? '') : '';
    for (let column = 0; column < columns.length; column++) {
      for (const state of [atRowStart, afterParts, afterCell]) {
        this.#leads.push(Buffer.from(pendingText(column, state) + (partsOf(column)[0] ?? '')));
        this.#pending.push(Buffer.from(pendingText(column, state)));
        this.#nulls.push(Buffer.from(pendingText(column, state) + cells.empty));
      }
      this.#middles.push(
        partsOf(column)
          .slice(1, -1)
          .map((part) => Buffer.from(part)),
      );
    }
    for (const state of [atRowStart, afterParts, afterCell]) this.#tails.push(Buffer.from(pendingText(columns.length, state) + cells.rowEnd));
    const widest = Math.max(...[cells.integer, cells.text, cells.day.parts].map((parts) => Buffer.byteLength(parts.join(''))), Buffer.byteLength(cells.empty));
    // A serial day is at most 7 characters where its text had 10: within twice the record's bytes.
    this.#recordBudget = Buffer.byteLength(cells.rowStart + cells.rowEnd) + columns.length * widest;
  }

  /**
   * Converts the records of `data` from `start` (whole records, each ending in a line break), at most
   * `maxRecords` of them: the XML, how many records it holds, and where the next record starts.
   */
  convert(data: Buffer, start: number, maxRecords: number): { xml: Buffer; records: number; next: number } {
    const estimate = Math.ceil((data.length - start) * this.#ratio) + 4096;
    const spare = this.#spare.pop();
    let out: Buffer = spare && spare.length >= estimate ? spare : Buffer.allocUnsafe(Math.max(estimate, 256 * 1024));
    let o = 0;
    let p = start;
    let records = 0;
    const shapesOf = this.#shapes;
    const count = shapesOf.length;
    const leads = this.#leads;
    while (p < data.length && records < maxRecords) {
      const recordEnd = data.indexOf(newline, p);
      const budget = o + this.#recordBudget + 2 * (recordEnd - p);
      if (budget > out.length) out = grown(out, o, budget);
      let state = atRowStart;
      for (let c = 0; c < count; c++) {
        const shape = shapesOf[c];
        const lead = leads[3 * c + state] as Buffer;
        let written = -1;
        if (shape === shapes.text) written = plainText(data, p, out, o, lead);
        else if (shape === shapes.integer) written = this.#digits(data, p, out, o, lead, c);
        else if (shape === shapes.day) written = this.#day(data, p, out, o, lead, c);
        if (written >= 0) {
          o = written;
          p = fieldEnd + 1;
          state = afterParts;
          continue;
        }
        let q = data.indexOf(tab, p);
        if (q < 0 || q > recordEnd) q = recordEnd;
        if (q - p === 2 && data[p] === backslash && data[p + 1] === 0x4e) {
          // NULL: an empty cell.
          o = put(out, o, this.#nulls[3 * c + state] as Buffer);
          p = q + 1;
          state = afterCell;
          continue;
        }
        const cell = this.#valueCell(data, p, q, c);
        const needed = o + 3 * cell.length + this.#recordBudget + 2 * (recordEnd - q);
        if (needed > out.length) out = grown(out, o, needed);
        o = put(out, o, this.#pending[3 * c + state] as Buffer);
        o += out.write(cell, o);
        p = q + 1;
        state = afterCell;
      }
      o = put(out, o, this.#tails[state] as Buffer);
      // Past the record's last byte, and the row key COPY may have added after the columns.
      p = recordEnd + 1;
      records++;
    }
    if (p > start) this.#ratio = Math.max(1, o / (p - start));
    return { xml: out.subarray(0, o), records, next: p };
  }

  /** Takes back the buffer of a {@link convert}'s `xml` once it was read, to fill it again. */
  reuse(xml: Buffer): void {
    // An output starts a memory block of its own (256 KiB or more: never from Node's small-buffer pool).
    if (this.#spare.length < 8) this.#spare.push(Buffer.from(xml.buffer, 0, xml.buffer.byteLength));
  }

  /** An integer's digits after `lead`, again after each middle part; -1 for NULL or more digits than a double holds exactly. */
  #digits(data: Buffer, from: number, out: Buffer, o: number, lead: Buffer, column: number): number {
    let p = from;
    if (data[p] === minus) p++;
    const digitsFrom = p;
    while ((data[p] as number) >= 0x30 && (data[p] as number) <= 0x39) p++;
    const end = data[p];
    if (p === digitsFrom || p - digitsFrom > 15 || (end !== tab && end !== newline)) return -1;
    fieldEnd = p;
    return repeated(data, from, p, out, put(out, o, lead), this.#middles[column] as Buffer[]);
  }

  /** A `YYYY-MM-DD` day after `lead`, as a serial number or as is; -1 for anything else. */
  #day(data: Buffer, from: number, out: Buffer, o: number, lead: Buffer, column: number): number {
    const end = data[from + 10];
    if ((end !== tab && end !== newline) || data[from + 4] !== minus || data[from + 7] !== minus) return -1;
    const year = number(data, from, from + 4);
    const month = number(data, from + 5, from + 7);
    const day = number(data, from + 8, from + 10);
    if (year < 0 || month < 0 || day < 0) return -1;
    fieldEnd = from + 10;
    const w = put(out, o, lead);
    const middles = this.#middles[column] as Buffer[];
    if (!this.#serialDays) return repeated(data, from, from + 10, out, w, middles);
    const digitsEnd = writeInteger(out, w, daysFromCivil(year, month, day) - serialEpoch);
    let written = digitsEnd;
    for (const middle of middles) written = copied(out, w, digitsEnd, out, put(out, written, middle));
    return written;
  }

  /** The cell of a field through the row path's value and the format's cell function. */
  #valueCell(data: Buffer, from: number, to: number, column: number): string {
    return this.#cells.cell((this.#columns[column] as DatabaseTextColumn).value(unescaped(data, from, to)));
  }
}

/** Where the field a fast path last read ends (its tab or line break). */
let fieldEnd = 0;

/** Plain text after `lead`, or -1 when it needs the format's care (or is empty or NULL). */
function plainText(data: Buffer, from: number, out: Buffer, o: number, lead: Buffer): number {
  const first = data[from] as number;
  // An edge space, or a first byte that may start a Unicode space (U+00A0, U+1680, U+2000...): care.
  if (first === space || first === 0xc2 || first === 0xe1 || first === 0xe2 || first === 0xe3) return -1;
  let w = put(out, o, lead);
  let p = from;
  let previous = 0;
  for (;;) {
    const byte = data[p] as number;
    if (stops[byte] === 1) {
      if (byte !== tab && byte !== newline) return -1;
      break;
    }
    if (byte === space && previous === space) return -1;
    out[w++] = byte;
    previous = byte;
    p++;
  }
  // Empty text is an empty cell; a space or a multi-byte character last may be white space: care.
  if (p === from || previous === space || previous >= 0x80) return -1;
  fieldEnd = p;
  return w;
}

/** The value's bytes at `o`, then each middle part followed by the value again. */
function repeated(data: Buffer, from: number, to: number, out: Buffer, o: number, middles: readonly Buffer[]): number {
  let w = copied(data, from, to, out, o);
  for (const middle of middles) w = copied(data, from, to, out, put(out, w, middle));
  return w;
}

/** A few bytes copied one by one: cheaper than a native call for a value's handful. */
function copied(data: Buffer, from: number, to: number, out: Buffer, o: number): number {
  let w = o;
  for (let p = from; p < to; p++) out[w++] = data[p] as number;
  return w;
}

/** The decimal number of ASCII digits `from`..`to`, or -1. */
function number(data: Buffer, from: number, to: number): number {
  let value = 0;
  for (let p = from; p < to; p++) {
    const digit = (data[p] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** An integer's decimal digits, as `String(value)` writes them. */
function writeInteger(out: Buffer, o: number, value: number): number {
  let w = o;
  let rest = value;
  if (rest < 0) {
    out[w++] = minus;
    rest = -rest;
  }
  const digitsFrom = w;
  do {
    out[w++] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
  // Written lowest digit first: turned around in place.
  for (let i = digitsFrom, j = w - 1; i < j; i++, j--) {
    const digit = out[i] as number;
    out[i] = out[j] as number;
    out[j] = digit;
  }
  return w;
}

function put(out: Buffer, o: number, bytes: Buffer): number {
  out.set(bytes, o);
  return o + bytes.length;
}

function grown(out: Buffer, used: number, needed: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(2 * out.length, needed));
  out.copy(bigger, 0, 0, used);
  return bigger;
}
