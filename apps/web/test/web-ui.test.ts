import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryTaskStorage, ScheduleRunner } from '@sluice/export';
import { describeEachDialect } from '@sluice/test-utils';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { perChunk, slowed } from '../../../packages/export/test/slow-storage.ts';
import { startTestApp, type TestApp } from '../../demo/test/test-app.ts';
import { launchBrowser, logIn, screenshot, serve } from './browser.ts';

describeEachDialect('web UI in Chromium', (dialect) => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  // Delivery e-mails of tasks land here, on a real SMTP server.
  const mails: ParsedMail[] = [];
  // While set, the server refuses every recipient (a mailbox that is full, say).
  let refuseRecipients = false;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (_address, _session, done) => done(refuseRecipients ? Object.assign(new Error('Mailbox full'), { responseCode: 552 }) : undefined),
    onData: (stream, _session, done) => void simpleParser(stream).then((mail) => done(null, void mails.push(mail)), done),
  });
  beforeAll(async () => {
    await new Promise<void>((listening) => smtp.listen(0, '127.0.0.1', listening));
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    const delivery = {
      smtpUrl,
      mailFrom: 'Sluice <exports@sluice.example>',
      publicUrl: 'http://sluice.test',
      webhookAllowList: [],
      webhookSecret: undefined,
      attachLimitBytes: undefined,
      maxAttempts: 3,
    };
    // Task files written slowly (a checkpoint, so a write, every 25 rows), so a running task can be
    // watched (and photographed) on its way to 100 %.
    const storage = slowed(new DirectoryTaskStorage(await mkdtemp(join(tmpdir(), 'sluice-ui-tasks-'))), perChunk(60));
    const tasks = { tuning: { storage, checkpointMs: 0, pageSize: 25 }, worker: { pollMs: 50 }, delivery, deliveryTuning: { pollMs: 50 } };
    [t, browser] = await Promise.all([startTestApp(dialect, { people: 1_500, webUi: true, tasks }), launchBrowser()]);
    base = await serve(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise((closed) => smtp.close(() => closed(null)));
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });
  afterEach(async () => {
    await context.close();
    // An uncaught exception in the page is a failure even when the screen looked right.
    expect(pageErrors).toEqual([]);
  });

  it('is served at / with precompressed, year-cached assets; client routes get index.html, /api keeps JSON 404s', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(index.body)?.[1];
    if (!script) throw new Error(`index.html names no script: ${index.body}`);
    const asset = await t.app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': 'br, gzip' } });
    expect(asset.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' });
    const route = await t.app.inject({ method: 'GET', url: '/orders/5?tab=history' });
    expect(route.statusCode).toBe(200);
    expect(route.body).toBe(index.body);
    expect(route.headers['cache-control']).toBe('no-cache');
    for (const url of ['/api/nothing', '/assets/missing-1234.js', '/docs/nothing']) {
      const missing = await t.app.inject({ method: 'GET', url });
      expect({ url, status: missing.statusCode, code: missing.json().error.code }).toEqual({ url, status: 404, code: 'ROUTE_NOT_FOUND' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/people' })).statusCode).toBe(401);
  });

  it('logs in (a wrong password answered in words) and out', async () => {
    await page.goto(base);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/invalid|wrong|password/i);
    await screenshot(page, `${dialect}-login-error`);
    await logIn(page, base, 'alice');
    await page.getByRole('heading', { name: 'Export builder' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });

  it('builds count_people with a birthdate filter and two aggregators; the preview shows the API numbers, with a chart', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('checkbox', { name: /^Birthdate/ }).check();
    const birthdate = page.locator('[data-element="filters.person_birthdate"]');
    await birthdate.getByLabel('From').fill('1960-01-01');
    await birthdate.getByLabel('To').fill('1999-12-31');
    const groupBy = page.getByRole('group', { name: 'Group by' });
    await groupBy.getByRole('checkbox', { name: /^Gender/ }).check();
    await groupBy.getByRole('checkbox', { name: /^Center/ }).check();
    await expect.poll(() => page.getByTestId('sentence').textContent()).toMatch(/birthdate.*gender.*center.*as CSV/is);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('img', { name: /Chart/ }).waitFor();
    const shown = await page
      .locator('.sluice-preview-table tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
    const token = await t.login('alice');
    const api = (
      await t.request(token, 'POST', '/api/exports/preview', {
        export: 'count_people',
        filters: { person_birthdate: { from: '1960-01-01', to: '1999-12-31' } },
        aggregators: { person_gender: {}, person_center: {} },
        formatter: { alias: 'csv', params: {} },
      })
    ).json() as { rows: { value: unknown; label: string | null }[][] };
    expect(shown.length).toBeGreaterThan(2);
    expect(shown).toEqual(api.rows.map((row) => row.map((cell) => cell.label ?? Number(cell.value).toLocaleString('en-US'))));
    expect(await page.locator('figure.sluice-chart').getAttribute('data-chart')).toBe('bar');
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save chart as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('Count_people.png');
    await screenshot(page, `${dialect}-export-builder-preview`);
    // A time period is drawn as a line.
    await page.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'Count activities' });
    await page
      .getByRole('group', { name: 'Group by' })
      .getByRole('checkbox', { name: /^Activity period/ })
      .check();
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.locator('figure.sluice-chart').getAttribute('data-chart')).toBe('line');
    await screenshot(page, `${dialect}-export-builder-period`);
  });

  it('downloads a small result at once (busy while it runs) and offers a big one as a task first', async () => {
    await logIn(page, base, 'alice');
    // A slow network: the answer takes a second, long enough to try a second click.
    const requests: string[] = [];
    await page.route('**/api/exports/download', async (route) => {
      requests.push(route.request().url());
      await new Promise((wake) => setTimeout(wake, 1_000));
      await route.continue();
    });
    const download = page.getByRole('button', { name: /Download now|Downloading/ });
    const saved = page.waitForEvent('download');
    await download.click();
    expect(await download.isDisabled()).toBe(true);
    await download.click({ force: true, timeout: 500 }).catch(() => {});
    expect((await saved).suggestedFilename()).toMatch(/^count-people.*\.csv$/);
    expect(requests).toHaveLength(1);
    await expect.poll(() => download.isDisabled()).toBe(false);
    await page.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'List people' });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByText(/more rows than a preview holds/).waitFor();
    const actions = await page.locator('.sluice-builder-side .sluice-actions button').allTextContents();
    expect(actions[0]).toBe('Run as a background task');
    expect(await page.getByRole('button', { name: 'Download now' }).isDisabled()).toBe(true);
    await page.getByText('Copy as curl or as a CLI command').click();
    expect(await page.locator('.sluice-commands pre').last().textContent()).toContain("npx sluice export:run --request request.json --out 'list_people.csv'");
    // The first screen only: below it are the 1,000 preview rows, too tall to look at as one image.
    await screenshot(page, `${dialect}-export-builder-large`, { fullPage: false });
  });

  it('says what failed instead of showing a blank page: an unreachable server, an answer the page cannot use', async () => {
    await logIn(page, base, 'alice');
    await page.route('**/api/orders?*', (route) => route.abort('connectionrefused'));
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('alert').getByText('The server cannot be reached').waitFor();
    await page.route('**/api/export-tasks?*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"items":null}' }));
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'This page failed' }).waitFor();
    // Another page works again.
    await page.getByRole('link', { name: 'People' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(25);
    pageErrors.length = 0; // the failure above was provoked
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(base);
    await page.getByLabel('Username').focus();
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type('alice');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Export builder' }).waitFor();
    await page.getByRole('checkbox', { name: /^Birthdate/ }).focus();
    await page.keyboard.press('Space');
    await page.locator('[data-element="filters.person_birthdate"]').waitFor();
  });

  it('does not shift the layout while a list page loads', async () => {
    await logIn(page, base, 'alice');
    // Installed before the page's own scripts: every shift of the load counts (cumulative layout shift).
    await page.addInitScript(
      `window.__shift = 0; new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.__shift += entry.value; }).observe({ type: 'layout-shift', buffered: true })`,
    );
    await page.goto(`${base}/orders`);
    await expect.poll(() => page.locator('tbody tr').count()).toBe(25);
    await page.waitForTimeout(300);
    expect(await page.evaluate<number>('window.__shift')).toBeLessThan(0.1);
  });

  it('shows a server validation message next to its field, in words', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('checkbox', { name: /^Birthdate/ }).check();
    const birthdate = page.locator('[data-element="filters.person_birthdate"]');
    await birthdate.getByLabel('From').fill('2000-01-01');
    await birthdate.getByLabel('To').fill('1990-01-01');
    const toField = birthdate.locator('.form-group', { has: page.getByLabel('To') }).last();
    await expect.poll(() => toField.textContent()).toContain('"to" must not be before "from"');
    // Named choices show their names; an optional one without a default says so instead of a blank.
    const separator = page.getByLabel('Separator');
    expect(await separator.locator('option').allTextContents()).toEqual(['Default', 'Comma (,)', 'Semicolon (;)', 'Tab']);
    expect(await separator.inputValue()).toBe('');
    await screenshot(page, `${dialect}-export-builder-validation`);
  });

  it('runs list_people as an XLSX task of chosen columns, follows it to 100 % and downloads a file that opens', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'List people' });
    // The reader's columns: no id, surname first and renamed, the record time added.
    await page.getByRole('checkbox', { name: 'Id', exact: true }).uncheck();
    await page.getByRole('button', { name: 'Move Last name up' }).click();
    await page.getByLabel('Header for Last name').fill('Surname');
    await page.getByRole('checkbox', { name: 'Recorded at', exact: true }).check();
    await page.getByLabel('Format').selectOption({ label: 'Excel (XLSX)' });
    await screenshot(page, `${dialect}-export-builder-columns`, { fullPage: false });
    await page.getByRole('button', { name: 'Run as a background task' }).click();
    await page.getByRole('heading', { name: 'Export tasks' }).waitFor();
    const task = page.locator('.sluice-task').first();
    const progress = task.getByRole('progressbar');
    await expect.poll(async () => Number(await progress.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('value'))).toBeLessThan(100);
    await screenshot(page, `${dialect}-task-running`);
    await task.locator('.sluice-badge--succeeded').waitFor({ timeout: 30_000 });
    expect(await task.getByRole('progressbar').getAttribute('value')).toBe('100');
    await screenshot(page, `${dialect}-tasks`);
    const [download] = await Promise.all([page.waitForEvent('download'), task.getByRole('link', { name: /Download/ }).click()]);
    const path = await download.path();
    const sheet = XLSX.readFile(path).Sheets.People ?? Object.values(XLSX.readFile(path).Sheets)[0];
    const rows = XLSX.utils.sheet_to_json(sheet as XLSX.WorkSheet, { header: 1 }) as unknown[][];
    const [people] = await t.orm.em.fork().getConnection().execute('select count(*) as n from person where center_id in (1, 2)');
    expect(rows.length - 1).toBe(Number(people?.n));
    expect(rows[0]).toEqual(['Surname', 'First name', 'Gender', 'Birthdate', 'Nationality', 'Center', 'Recorded at']);
  });

  it('speaks French when chosen: navigation, builder, sentences, lists and the downloaded file', async () => {
    await logIn(page, base, 'alice');
    await page.getByLabel('Language').selectOption({ label: 'Français' });
    try {
      await page.getByRole('heading', { name: "Générateur d'exports" }).waitFor();
      await page.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'Compter les personnes' });
      await page.getByRole('checkbox', { name: /^Date de naissance/ }).check();
      const birthdate = page.locator('[data-element="filters.person_birthdate"]');
      await birthdate.getByLabel('Du').fill('1950-01-01');
      await birthdate.getByLabel('Au').fill('2020-12-31');
      await page
        .locator('fieldset', { hasText: 'Regrouper par' })
        .getByRole('checkbox', { name: /^Genre/ })
        .check();
      await expect
        .poll(() => page.locator('.sluice-sentence').textContent())
        .toMatch(/Compter les personnes, filtré par date de naissance entre le 1 janvier 1950 et le 31 décembre 2020, regroupé par genre/);
      await screenshot(page, `${dialect}-fr-export-builder`, { fullPage: false });
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger maintenant' }).click()]);
      const csv = await readFile(await download.path(), 'utf8');
      const [header, ...rows] = csv.trim().split('\r\n');
      expect(header).toBe('Genre,Nombre de personnes');
      expect(rows.map((row) => row.split(',')[0])).toEqual(expect.arrayContaining(['Femme', 'Homme']));
      await page.getByRole('link', { name: 'Personnes' }).click();
      await page.getByRole('columnheader', { name: /Naissance/ }).waitFor();
      // Days and centers as French readers write them: "12 mars 1985", a center's name.
      await expect.poll(() => page.locator('tbody tr').first().textContent()).toMatch(/\d{1,2} \S+ \d{4}/);
      await screenshot(page, `${dialect}-fr-people`, { fullPage: false });
      await page.getByRole('link', { name: 'Commandes' }).click();
      await page.getByRole('columnheader', { name: 'Statut' }).waitFor();
      const status = await page.locator('tbody tr').first().locator('td').nth(1).textContent();
      expect(['Nouvelle', 'En préparation', 'Expédiée', 'Livrée', 'Annulée']).toContain(status);
      await page.locator('tbody tr').first().getByRole('link').click();
      await page.getByRole('heading', { name: /^Commande n° \d+$/ }).waitFor();
      await page.getByRole('heading', { name: 'Produits' }).waitFor();
      await screenshot(page, `${dialect}-fr-order`, { fullPage: false });
    } finally {
      await page.getByLabel(/Language|Langue/).selectOption({ label: 'English' });
    }
  });

  it('e-mails a finished task to its owner when asked (file attached), and the task shows the delivery as it goes', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('checkbox', { name: 'Notify me by e-mail when it is ready' }).check();
    await page.getByRole('checkbox', { name: 'Attach the file' }).check();
    await screenshot(page, `${dialect}-export-builder-notify`, { fullPage: false });
    await page.getByRole('button', { name: 'Run as a background task' }).click();
    await page.getByRole('heading', { name: 'Export tasks' }).waitFor();
    const task = page.locator('.sluice-task').first();
    expect(await task.locator('.sluice-delivery').textContent()).toMatch(/^E-mail to alice@sluice\.example/);
    // Followed after the task's end without a reload: waiting for the file, then sent.
    await task.locator('.sluice-delivery--sent').waitFor({ timeout: 30_000 });
    expect(await task.locator('.sluice-delivery').textContent()).toBe('E-mail to alice@sluice.example sent');
    await screenshot(page, `${dialect}-task-delivered`);
    const id = Number(await task.getAttribute('data-task-id'));
    const mail = mails.find((candidate) => candidate.text?.includes(`http://sluice.test/api/export-tasks/${id}/download`));
    expect(mail?.to).toMatchObject({ text: 'alice@sluice.example' });
    expect(mail?.attachments).toHaveLength(1);
  });

  it('shows a delivery the mail server refused as retrying, with the reason in words', async () => {
    refuseRecipients = true;
    try {
      await logIn(page, base, 'alice');
      await page.getByRole('checkbox', { name: 'Notify me by e-mail when it is ready' }).check();
      await page.getByRole('button', { name: 'Run as a background task' }).click();
      await page.getByRole('heading', { name: 'Export tasks' }).waitFor();
      const delivery = page.locator('.sluice-task').first().locator('.sluice-delivery');
      await delivery.and(page.locator('.sluice-delivery--retrying')).waitFor({ timeout: 30_000 });
      expect(await delivery.textContent()).toMatch(/^E-mail to alice@sluice\.example retrying .*Mailbox full.* next try /);
      await screenshot(page, `${dialect}-task-delivery-retrying`);
    } finally {
      refuseRecipients = false;
    }
  });

  it('saves an export from the builder, lists it on the saved exports page, runs it, re-runs its task, and says a lost update in words', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'List people' });
    await page.getByLabel('Name', { exact: true }).fill('Board list');
    await page.getByLabel('Description', { exact: true }).fill('Everyone in my centers, for the board');
    await page.getByRole('checkbox', { name: 'Everyone in Brussels' }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved as “Board list”.' }).waitFor();
    // From now on the builder edits that saved export (or copies it).
    await page.getByRole('button', { name: 'Save as new' }).waitFor();
    await screenshot(page, `${dialect}-export-builder-saved`, { fullPage: false });
    const token = await t.login('alice');
    const [saved] = (await t.request(token, 'GET', '/api/saved-exports')).json() as { id: number; name: string; version: number; request: object }[];
    expect(saved).toMatchObject({ name: 'Board list', version: 1, request: { export: 'list_people' }, sharedScopes: ['1'], sharedRoles: [] });

    await page.getByRole('link', { name: 'Saved exports' }).click();
    const item = page.locator('.sluice-saved', { hasText: 'Board list' });
    await expect.poll(() => item.textContent()).toContain('Everyone in my centers, for the board');
    await screenshot(page, `${dialect}-saved-exports`);
    await item.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('heading', { name: 'Export tasks' }).waitFor();
    const task = page.locator('.sluice-task').first();
    await task.locator('.sluice-badge--succeeded').waitFor({ timeout: 30_000 });
    const ran = Number(await task.getAttribute('data-task-id'));
    expect((await t.request(token, 'GET', `/api/export-tasks/${ran}`)).json()).toMatchObject({ savedExportId: saved?.id, export: 'list_people' });
    await screenshot(page, `${dialect}-saved-export-task`);

    await task.getByRole('button', { name: 'Re-run' }).click();
    await expect.poll(async () => Number(await page.locator('.sluice-task').first().getAttribute('data-task-id'))).toBeGreaterThan(ran);
    const rerun = Number(await page.locator('.sluice-task').first().getAttribute('data-task-id'));
    expect((await t.request(token, 'GET', `/api/export-tasks/${rerun}`)).json()).toMatchObject({ savedExportId: saved?.id, request: saved?.request });

    // Opened from the saved exports page, changed by someone else meanwhile: the save is refused in words.
    await page.getByRole('link', { name: 'Saved exports' }).click();
    await item.getByRole('button', { name: 'Open in builder' }).click();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Board list');
    expect((await t.request(token, 'PUT', `/api/saved-exports/${saved?.id}`, { expectedVersion: 1, name: 'Board list (theirs)' })).statusCode).toBe(200);
    await page.getByLabel('Name', { exact: true }).fill('Board list (mine)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Someone changed this saved export' }).count()).toBe(1);
    await screenshot(page, `${dialect}-saved-export-conflict`, { fullPage: false });
    expect((await t.request(token, 'GET', `/api/saved-exports/${saved?.id}`)).json().name).toBe('Board list (theirs)');

    // Deleting asks once more.
    await page.getByRole('link', { name: 'Saved exports' }).click();
    await item.getByRole('button', { name: 'Delete' }).click();
    await item.getByRole('button', { name: 'Really delete?' }).click();
    await page.getByText('No saved exports yet').waitFor();
    expect((await t.request(token, 'GET', '/api/saved-exports')).json()).toEqual([]);
  });

  it('schedules a saved export weekly for two recipients, shows the next run, and after it the runs and the e-mails', async () => {
    const token = await t.login('alice');
    const created = await t.request(token, 'POST', '/api/saved-exports', {
      name: 'Weekly people',
      request: { export: 'count_people', formatter: { alias: 'csv' } },
      sharedRoles: ['EXPORT'],
    });
    const saved = created.json() as { id: number };
    await logIn(page, base, 'alice');
    await page.getByRole('link', { name: 'Saved exports' }).click();
    const item = page.locator('.sluice-saved', { hasText: 'Weekly people' });
    await item.getByRole('button', { name: 'Schedule' }).click();
    const form = item.getByRole('form', { name: 'Schedule' });
    await form.getByRole('status').filter({ hasText: 'Not scheduled.' }).waitFor();
    await form.getByLabel('Repeat').selectOption({ label: 'Every week' });
    await form.getByRole('combobox', { name: /^On\b/ }).selectOption({ label: 'Tuesday' });
    await form.getByLabel('At', { exact: true }).fill('07:30');
    await form.getByLabel('Time zone').selectOption('Europe/Brussels');
    await expect.poll(() => form.getByRole('checkbox', { name: 'alice' }).isChecked()).toBe(true);
    await form.getByRole('checkbox', { name: 'admin' }).check();
    await form.getByLabel('Files kept per recipient').fill('3');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await form.getByRole('status').filter({ hasText: 'Next run:' }).waitFor();
    const schedule = (await t.request(token, 'GET', `/api/saved-exports/${saved.id}/schedule`)).json();
    expect(schedule).toMatchObject({ cron: '30 7 * * 2', timeZone: 'Europe/Brussels', keepFiles: 3, enabled: true });
    expect(schedule.recipients).toHaveLength(2);
    // A Tuesday, 07:30 in Brussels: 06:30 UTC in summer, 05:30 in winter.
    const next = new Date(schedule.nextRunAt);
    expect(next.getUTCDay()).toBe(2);
    expect([5, 6]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBe(30);
    await screenshot(page, `${dialect}-saved-export-schedule`);

    // The due time comes (a runner on a clock just past it): each recipient's task runs and is e-mailed to them.
    const runner = new ScheduleRunner({ savedExports: t.tasks.savedExports, now: () => new Date(next.getTime() + 1_000) });
    expect(await runner.tick()).toMatchObject({ claimed: 1, started: 2 });
    await expect
      .poll(() => mails.filter((mail) => mail.subject === 'Export ready: Count people').map((mail) => (mail.to as { text: string }).text), { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['alice@sluice.example', 'admin@sluice.example']));
    await page.reload();
    await item.getByRole('button', { name: 'Schedule' }).click();
    await expect.poll(() => item.locator('.sluice-schedule-runs li').count()).toBe(2);
    expect(await item.locator('.sluice-schedule-runs').textContent()).toMatch(/alice: task #\d+/);
    await screenshot(page, `${dialect}-saved-export-schedule-runs`);
    await t.request(token, 'DELETE', `/api/saved-exports/${saved.id}/schedule`);
    await t.request(token, 'DELETE', `/api/saved-exports/${saved.id}`);
  });

  it('pages a list forward and back, and a reload keeps the page (the cursor is in the URL)', async () => {
    await logIn(page, base, 'alice');
    await page.getByRole('link', { name: 'People' }).click();
    const firstIds = () => page.locator('tbody tr td:first-child').allTextContents();
    await expect.poll(firstIds).toHaveLength(25);
    const first = await firstIds();
    await page.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(firstIds).not.toEqual(first);
    const second = await firstIds();
    expect(page.url()).toContain('after=');
    await page.reload();
    await expect.poll(firstIds).toEqual(second);
    await page.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(firstIds).toEqual(first);
    await page.goBack();
    await expect.poll(firstIds).toEqual(second);
    await page.getByRole('button', { name: /Last name/ }).click();
    await expect.poll(() => page.url()).toContain('orderBy=lastName');
    await screenshot(page, `${dialect}-people`);
  });

  it('edits an order and shows the new history entry', async () => {
    const token = await t.login('alice');
    const [order] = (await t.request(token, 'GET', '/api/orders?limit=1').then((response) => response.json())).items as { id: number; status: string }[];
    if (!order) throw new Error('the seed gave alice no order');
    const next = order.status === 'Delivered' ? 'Cancelled' : 'Delivered';
    await logIn(page, base, 'alice');
    await page.goto(`${base}/orders/${order.id}`);
    await page.getByLabel('Status').selectOption(next);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.sluice-timeline').getByText(`Status changed from ${order.status} to ${next}`).waitFor();
    await page.goto(`${base}/orders/999999`);
    await page
      .getByRole('alert')
      .getByText(/not found/)
      .waitFor();
    await page.goBack();
    await page.locator('.sluice-timeline li').first().waitFor();
    await screenshot(page, `${dialect}-order`);
  });

  it('offers no export builder to a user without the export role', async () => {
    await logIn(page, base, 'bob');
    await page.getByRole('heading', { name: 'People' }).waitFor();
    expect(await page.getByRole('link', { name: 'Export builder' }).count()).toBe(0);
    await page.goto(`${base}/exports`);
    await page.getByRole('heading', { name: 'Not here' }).waitFor();
    await screenshot(page, `${dialect}-no-export-role`);
  });

  it('fits a 390 px phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await logIn(page, base, 'alice');
    await page.getByRole('heading', { name: 'Export builder' }).waitFor();
    for (const path of ['/exports', '/saved-exports', '/tasks', '/orders', '/sync']) {
      await page.goto(`${base}${path}`);
      await page.locator('main h1').waitFor();
      if (path === '/exports') await expect.poll(() => page.getByTestId('sentence').textContent()).toMatch(/as CSV/);
      // Runs in the page; a string keeps the DOM out of this Node-typed file.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      // On failure, name the elements that stick out.
      const wide = await page.evaluate<string[]>(
        `[...document.querySelectorAll('body *')].filter((e) => e.scrollWidth > window.innerWidth).slice(-2).map((e) => e.outerHTML.slice(0, 300))`,
      );
      expect(overflow, `${path}: ${wide.join(', ')}`).toBeLessThanOrEqual(0);
      await screenshot(page, `${dialect}-phone${path.replace('/', '-')}`);
    }
  });
});
