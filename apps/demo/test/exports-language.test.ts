import { describeEachDialect } from '@sluice/test-utils';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

describeEachDialect('exports in the reader’s language', (dialect) => {
  let t: TestApp;
  let alice: string;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 300 });
    alice = await t.login('alice');
  });
  afterAll(() => t.close());

  const send = (method: 'GET' | 'POST', url: string, language: string | undefined, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      payload: payload as never,
      headers: { authorization: `Bearer ${alice}`, ...(language ? { 'accept-language': language } : {}) },
    });

  it('offers exports, columns and parameter forms in the language Accept-Language asks for', async () => {
    const offered = (language?: string) => send('GET', '/api/exports', language).then((response) => response.json().exports);
    const french = (await offered('fr-BE,fr;q=0.9,en;q=0.5')).find((e: { alias: string }) => e.alias === 'list_people');
    expect(french).toMatchObject({ title: 'Liste des personnes', description: 'Une ligne par personne' });
    expect(french.columns.map((c: { label: string }) => c.label)).toContain('Date de naissance');
    const bracket = (await offered('nl'))
      .find((e: { alias: string }) => e.alias === 'count_people')
      .aggregators.find((a: { alias: string }) => a.alias === 'person_age_bracket');
    expect(bracket).toMatchObject({ title: 'Leeftijdsgroep', parameters: { properties: { bracketSize: { title: 'Jaren per groep' } } } });
    // No language of ours asked for, or none at all: English.
    for (const language of ['de-DE,de;q=0.9', undefined])
      expect((await offered(language)).find((e: { alias: string }) => e.alias === 'list_people').title).toBe('List people');
  });

  it('writes headers, labels, sentences and the header block in the request’s locale, else Accept-Language’s', async () => {
    const request = {
      export: 'count_people',
      filters: { person_birthdate: { from: '1950-01-01', to: '2020-12-31' } },
      aggregators: { person_gender: {} },
      formatter: { alias: 'csv', params: { header: true } },
    };
    const download = await send('POST', '/api/exports/download', 'fr', request);
    // The file is named in the reader's language too, in safe ASCII.
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="compter-les-personnes-\d{4}-\d\d-\d\d\.csv"$/);
    const french = parse(download.body, { relaxColumnCount: true }) as string[][];
    expect(french.map((row) => row[0]).slice(0, 5)).toEqual([
      'Compter les personnes',
      'Filtré par date de naissance entre le 1 janvier 1950 et le 31 décembre 2020',
      'Regroupé par genre',
      expect.stringMatching(/^Généré le \d{1,2} \S+ \d{4}/),
      'Par alice',
    ]);
    expect(french[5]).toEqual(['', '']); // the blank line between the header block and the table
    expect(french[6]).toEqual(['Genre', 'Nombre de personnes']);
    expect(french.slice(7).map((row) => row[0])).toEqual(expect.arrayContaining(['Femme', 'Homme']));
    // The body's locale wins over the header.
    const dutch = parse((await send('POST', '/api/exports/download', 'fr', { ...request, locale: 'nl' })).body, { relaxColumnCount: true }) as string[][];
    expect(dutch[6]).toEqual(['Geslacht', 'Aantal personen']);
    const check = (await send('POST', '/api/exports/check', 'nl-BE', request)).json();
    expect(check.description).toEqual(['Personen tellen', 'Gefilterd op geboortedatum tussen 1 januari 1950 en 31 december 2020', 'Gegroepeerd per geslacht']);
    // Country names and days in sentences are the reader's too.
    const nationality = (await send('POST', '/api/exports/check', 'fr', { ...request, filters: { person_nationality: { countries: ['BE', 'NL'] } } })).json();
    expect(nationality.description[1]).toBe('Filtré par nationalité : Belgique, Pays-Bas');
  });

  it('keeps the asker’s language in a task, so the worker writes the file in it later', async () => {
    const created = await send('POST', '/api/export-tasks', 'fr', { export: 'list_activities', formatter: { alias: 'csv_list' } });
    expect(created.statusCode, created.body).toBe(202);
    const id = created.json().id;
    expect(created.json().request.locale).toBe('fr');
    expect(created.json()).toMatchObject({ title: 'Liste des activités', formatter: 'CSV (list)' });
    // Each reader reads a task in their own language.
    expect((await send('GET', `/api/export-tasks/${created.json().id}`, 'nl')).json()).toMatchObject({ title: 'Lijst van activiteiten' });
    for (let i = 0; i < 400 && ['queued', 'running'].includes((await send('GET', `/api/export-tasks/${id}`, undefined)).json().status); i++)
      await new Promise((wake) => setTimeout(wake, 25));
    const file = await send('GET', `/api/export-tasks/${id}/download`, 'en');
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(new RegExp(`filename="liste-des-activites-${id}-`));
    const [header, first] = parse(file.body) as string[][];
    expect(header).toEqual(['Identifiant', 'Date', 'Type', 'Durée (minutes)', 'Identifiant de la personne', 'Personne', 'Durée (heures)']);
    // Cells are the data as stored: only the export's own words are translated.
    expect(['Home visit', 'Phone call', 'Office appointment', 'Workshop', 'Email follow-up', 'Group session']).toContain(first?.[2]);
  });
});
