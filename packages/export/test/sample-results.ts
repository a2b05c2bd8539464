import { type ListResult, type TabularResult, translateFor, untranslated } from '../src/index.ts';

export const sampleInfo = {
  title: 'Count people',
  description: ['Count people', 'Grouped by gender'],
  generatedAt: new Date('2026-01-02T03:04:05Z'),
  username: 'alice',
  locale: 'en',
  t: translateFor(untranslated, 'en'),
};

/** People counted per center and gender; `rows` can be replaced to vary the data. */
export function sampleTabular(centerLabel: string, rows: TabularResult['rows']): TabularResult {
  return {
    ...sampleInfo,
    kind: 'tabular',
    groupColumns: [
      { key: 'person_center', label: 'Center', aggregator: 'person_center' },
      { key: 'person_gender', label: 'Gender', aggregator: 'person_gender' },
    ],
    valueColumns: [{ key: 'count', label: 'Number of people' }],
    rows,
    labels: new Map([
      [
        'person_center',
        new Map<unknown, string>([
          [1, centerLabel],
          [2, 'Antwerp'],
        ]),
      ],
      [
        'person_gender',
        new Map<unknown, string>([
          ['female', 'Female'],
          ['male', 'Male'],
          [null, 'Unknown'],
        ]),
      ],
    ]),
  };
}

/** A list of (id, name, score) rows streamed from `rows`. */
export function sampleList(rows: Iterable<unknown[]>): ListResult {
  const all = [...rows];
  let read = 0;
  return {
    total: async () => ({ rows: all.length, exact: true }),
    rowsRead: () => read,
    ...sampleInfo,
    kind: 'list',
    columns: [
      { key: 'id', label: 'Id' },
      { key: 'name', label: 'Name' },
      { key: 'score', label: 'Score' },
    ],
    rows: (async function* () {
      for (const row of all) {
        read++;
        yield row;
      }
    })(),
    pages: (async function* () {
      for (let start = 0; start < all.length; start += 1_000) {
        const page = all.slice(start, start + 1_000);
        read += page.length;
        yield page;
      }
    })(),
  };
}
