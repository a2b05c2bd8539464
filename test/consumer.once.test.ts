import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';

import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const packages = ['core', 'db', 'pagination', 'audit', 'export', 'sync', 'cli', 'react'];
// Outside the repository: no sluice-source condition, so the installed dist/ is what runs.
const env = { ...process.env, NODE_OPTIONS: '' };
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
const tarballName = (name: string) => `sluice-${name}-0.1.0.tgz`;

/**
 * What the app installs, in one `npm install` as a new user types it: every sluice tarball, MikroORM
 * and its SQLite driver at whatever the registry serves as newest (no pins, no overrides), Fastify,
 * React and Vite for its server and page, NestJS for its other server.
 */
const appDependencies = [
  '@mikro-orm/core',
  '@mikro-orm/sqlite',
  'zod@4',
  'fastify@5',
  'fastify-type-provider-zod@7',
  'react@19',
  'react-dom@19',
  'vite@8.3.8',
  '@vitejs/plugin-react@6.3.0',
  '@nestjs/core@11',
  '@nestjs/common@11',
  '@nestjs/platform-fastify@11',
  'reflect-metadata',
  'rxjs',
  'esbuild@0.28.2',
  '@types/node@24.19.2',
  '@types/react@19',
  '@types/react-dom@19',
];

/** The servers this file started, stopped at the end whatever happened. */
const servers = new Set<ChildProcess>();

/** A server of the app's, run by plain Node from the app's directory; resolves once it prints its URL. */
async function startServer(app: string, file: string, data: string): Promise<{ url: string; log(): string; stop(): Promise<void> }> {
  await mkdir(data, { recursive: true });
  const child: ChildProcess = spawn(process.execPath, [file], { cwd: app, env: { ...env, APP_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /^listening (\S+)$/m.exec(output)?.[1];
      if (listening) resolve(listening);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    /** Everything the server printed, for a failure's message. */
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Debian's chromium (installed when missing, never downloaded), as apps/web/test/browser.ts runs it. */
async function launchChromium(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) execFileSync('bash', [join(root, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  return chromium.launch({ executablePath, args });
}

/**
 * What `npm install` would put where (resolved and locked, nothing downloaded) for the sluice tarballs
 * next to MikroORM and the newest `@mikro-orm/<driver>`; and what the registry says that driver is.
 */
async function resolveNextTo(work: string, driver: string) {
  const directory = join(work, driver);
  await mkdir(directory);
  await writeFile(join(directory, 'package.json'), JSON.stringify({ name: `consumer-${driver}`, private: true, type: 'module' }));
  const specs = [...packages.map((name) => join('..', 'tarballs', tarballName(name))), '@mikro-orm/core', `@mikro-orm/${driver}`];
  await npm(['install', '--package-lock-only', '--no-audit', '--no-fund', ...specs], directory);
  const lock = JSON.parse(await readFile(join(directory, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const newest = JSON.parse((await npm(['view', `@mikro-orm/${driver}`, 'version', 'peerDependencies', '--json'], directory)).stdout);
  return {
    resolved: {
      driver: lock.packages[`node_modules/@mikro-orm/${driver}`]?.version,
      cores: Object.entries(lock.packages)
        .filter(([path]) => path.endsWith('node_modules/@mikro-orm/core'))
        .map(([, entry]) => entry.version),
    },
    newest: { driver: newest.version, cores: [newest.peerDependencies['@mikro-orm/core']] },
  };
}

/** A test artifact to look at: a broken layout is a failed test. */
async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(join(root, 'var/screenshots'), { recursive: true });
  await page.screenshot({ path: join(root, 'var/screenshots', `consumer-${name}.png`), fullPage });
}

/**
 * sluice as a new user meets it, at every layer: every package packed, the tarballs installed in one
 * step into an app outside the workspace next to the newest MikroORM; the app's plain-Node program, the
 * installed CLI and tsc; the app's own Fastify server with sluice's routes and its own Vite page on
 * @sluice/react, driven in Chromium; the same routes inside a NestJS app.
 */
describe('the packed packages in an app of its own (SQLite)', () => {
  let work: string;
  let app: string;
  let tarballs: string;
  let otherDrivers: Promise<PromiseSettledResult<Awaited<ReturnType<typeof resolveNextTo>>>[]>;
  let typeChecks: Promise<string[]>;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sluice-consumer-'));
    tarballs = join(work, 'tarballs');
    app = join(work, 'app');
    await Promise.all([mkdir(tarballs), mkdir(app)]);
    await npm(['pack', '--ignore-scripts', '--pack-destination', tarballs, ...packages.flatMap((name) => ['--workspace', `packages/${name}`])], root);
    const consumer = join(import.meta.dirname, 'consumer');
    for (const file of ['app.ts', 'sluice.config.ts', 'library.ts', 'server.ts', 'tsconfig.json']) await copyFile(join(consumer, file), join(app, file));
    // In the repository these sit in dot-directories, which the root tsconfig's `test` include skips:
    // they import what only the consumer app installs (NestJS, Vite, react-dom). The app's tsc checks them.
    await cp(join(consumer, '.web'), join(app, 'web'), { recursive: true });
    await cp(join(consumer, '.nestjs'), join(app, 'nestjs'), { recursive: true });
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { 'better-sqlite3': false, esbuild: false } }),
    );
    // Both mostly wait on the registry: the other drivers resolve while the app installs.
    otherDrivers = Promise.allSettled(['postgresql', 'mariadb'].map((driver) => resolveNextTo(work, driver)));
    await npm(['install', '--no-audit', '--no-fund', ...packages.map((name) => join('..', 'tarballs', tarballName(name))), ...appDependencies], app);
    // tsc takes a while and writes nothing: it checks while the app runs, and the last test reads its verdict.
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const check = (project: string) =>
      run(process.execPath, [tsc, '-p', project], { cwd: app, env }).then(
        ({ stdout }) => stdout,
        (failure: { stdout?: string; message: string }) => failure.stdout || failure.message,
      );
    typeChecks = Promise.all([check('tsconfig.json'), check('web/tsconfig.json')]);
  }, 300_000);
  afterAll(async () => {
    for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([otherDrivers, typeChecks]);
    await rm(work, { recursive: true, force: true });
  });

  it('installs in one step next to the newest MikroORM: one copy of it, only JavaScript and declarations', async () => {
    const { stdout } = await npm(['ls', '@mikro-orm/core', '--all', '--parseable'], app);
    expect(new Set(stdout.trim().split('\n')).size).toBe(1);
    // The newest driver pins the core it runs with: that core is the one installed.
    const newest = JSON.parse((await npm(['view', '@mikro-orm/sqlite', 'version', 'peerDependencies', '--json'], app)).stdout);
    const installed = async (name: string) => JSON.parse(await readFile(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
    expect(await installed('@mikro-orm/sqlite')).toBe(newest.version);
    expect(await installed('@mikro-orm/core')).toBe(newest.peerDependencies['@mikro-orm/core']);
    for (const name of packages) {
      const files = (await readdir(join(app, 'node_modules/@sluice', name), { recursive: true })).map(String);
      expect(files.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))).toEqual([]);
      expect(files).toContain('LICENSE');
    }
    // bullmq, ioredis, pg-copy-streams and the AWS SDK are optional peers: an app without Redis, PostgreSQL or S3 has none.
    for (const name of ['bullmq', 'ioredis', 'pg-copy-streams', '@aws-sdk/client-s3']) expect(existsSync(join(app, 'node_modules', name))).toBe(false);
  });

  it('publishes cleanly: npm finds nothing to correct in any package (dry run)', async () => {
    for (const name of packages) {
      const { stderr } = await run('npm', ['publish', '--dry-run', '--workspace', `@sluice/${name}`], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });
      const warnings = stderr.split('\n').filter((line) => line.startsWith('npm warn') && !/logged in/.test(line));
      expect({ name, warnings }).toEqual({ name, warnings: [] });
    }
  });

  it('resolves in one step next to the newest PostgreSQL and MariaDB drivers too, each with the core it pins', async () => {
    for (const result of await otherDrivers) {
      if (result.status === 'rejected') throw result.reason;
      expect(result.value.resolved).toEqual(result.value.newest);
    }
  });

  it('runs a program with its own entities: cursor walk, CSV and XLSX, history, an export task', async () => {
    await mkdir(join(app, 'data'));
    const { stdout } = await run(process.execPath, ['app.ts'], { cwd: app, env: { ...env, APP_DIR: join(app, 'data') } });
    const seen = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(seen.walked).toBe(250);
    expect(seen.files.csv_list).toBeGreaterThan(250 * 10);
    expect(seen.files.xlsx).toBeGreaterThan(1_000);
    expect(seen.sentence).toBe('Price changed from 70 to 75');
    expect(seen.task).toEqual({ status: 'succeeded', rows: 250 });
  });

  it('runs the installed sluice CLI with the app’s own config, and bundles the two into one file', async () => {
    const listed = await run('npx', ['sluice', 'export:list'], { cwd: app, env });
    expect(listed.stdout).toMatch(/\tsucceeded\tlist_books\treader\t250\/250/);
    const bundled = await run('npx', ['sluice', 'bundle', '--outdir', 'dist'], { cwd: app, env });
    expect(bundled.stdout).toContain('dist/sluice.mjs');
    const fromBundle = await run(process.execPath, ['--no-experimental-strip-types', 'dist/sluice.mjs', 'export:list'], { cwd: app, env });
    expect(fromBundle.stdout).toBe(listed.stdout);
    // `npx sluice` now runs that bundle, until a file it was built from changes.
    const running = async () => /^running: (.*)$/m.exec((await run('npx', ['sluice', 'debug'], { cwd: app, env })).stdout)?.[1];
    expect(await running()).toContain(`${app}/dist/`);
    expect((await run('npx', ['sluice', 'export:list'], { cwd: app, env })).stdout).toBe(listed.stdout);
    // The config edited after the bundle: the bundle no longer holds the current code.
    await appendFile(join(app, 'sluice.config.ts'), '\n// edited after the bundle\n');
    expect(await running()).toContain(`${app}/node_modules/@sluice/cli/dist/`);
  });

  it('serves its page from Vite’s dev server: the installed packages resolve there as in a build', async () => {
    // Vite's dev server resolves package exports with the `development` condition: the packages' own
    // source condition must not be that name, or it points into src/, which the tarballs leave out.
    const vite = spawn(process.execPath, [join(app, 'node_modules/vite/bin/vite.js'), '--port', '0', '--strictPort', 'false', '--clearScreen', 'false'], {
      cwd: join(app, 'web'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    servers.add(vite);
    try {
      let output = '';
      const base = await new Promise<string>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const local = /Local:\s+(http:\/\/\S+?)\/?\s/.exec(stripVTControlCharacters(output))?.[1];
          if (local) resolve(local);
        };
        vite.stdout?.on('data', read);
        vite.stderr?.on('data', read);
        vite.once('exit', (code) => reject(new Error(`vite exited (${code}):\n${output}`)));
      });
      const entry = await fetch(`${base}/main.tsx`);
      expect(entry.status).toBe(200);
      const source = await entry.text();
      expect(source).toMatch(/@sluice_react/);
      const styles = await fetch(`${base}/node_modules/@sluice/react/dist/styles.css`);
      expect(styles.status).toBe(200);
      expect(output).not.toMatch(/could not be resolved|Failed to resolve/);
    } finally {
      vite.kill('SIGTERM');
    }
  });

  describe('its own server (Fastify) and page (Vite, @sluice/react), in Chromium', () => {
    let server: Awaited<ReturnType<typeof startServer>>;
    let browser: Browser;
    beforeAll(async () => {
      // The page is built by the app's Vite from the installed @sluice/react (its dist/, as any app gets it).
      const building = run('npx', ['vite', 'build'], { cwd: join(app, 'web'), env });
      [browser] = await Promise.all([launchChromium(), building]);
      server = await startServer(app, 'server.ts', join(app, 'server-data'));
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('logs in, builds a list export, previews it, runs it as a task, downloads its file, and reads a change as a sentence', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(server.url);
      await page.getByLabel('Username').fill('reader');
      await page.getByLabel('Password').fill('reader');
      await screenshot(page, 'login');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();

      // The builder: the list export with a price range (its form generated from the filter's schema), as
      // CSV; the server says it as a sentence; the preview shows the rows.
      const builder = page.locator('.sluice-builder');
      await builder.getByRole('combobox', { name: 'Export' }).selectOption({ label: 'List books' });
      await builder.getByRole('checkbox', { name: /^Price Books/ }).check();
      const range = builder.locator('[data-element="filters.book_price"]');
      await range.getByLabel('At least').fill('50');
      await range.getByLabel('At most').fill('120');
      await builder.getByLabel('Format').selectOption({ label: 'CSV (list)' });
      // Polls wait (for the server's answers), they do not time: generous bounds for a busy machine.
      await expect.poll(() => page.getByTestId('sentence').textContent(), { timeout: 20_000 }).toBe('List books, priced from 50 to 120, as CSV (list)');
      await builder.getByRole('button', { name: 'Preview' }).click();
      const previewRows = page.locator('.sluice-preview-table tbody tr');
      await expect.poll(() => previewRows.count(), { timeout: 20_000 }).toBe(8);
      const shown = await previewRows.evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent).join(',')));
      expect(shown[2]).toBe('7,Book 7,Science,70,2024-05-06');
      await screenshot(page, 'builder-preview');

      // As a task: the list follows it to succeeded; its file holds the rows the preview showed.
      await builder.getByRole('button', { name: 'Run as a background task' }).click();
      const task = page.locator('.sluice-task').first();
      await task
        .locator('.sluice-badge--succeeded')
        .waitFor()
        .catch(async (error: unknown) => {
          await screenshot(page, 'task-not-succeeded');
          throw new Error(`${String(error)}\nserver output:\n${server?.log()}`);
        });
      const [download] = await Promise.all([page.waitForEvent('download'), task.getByRole('link', { name: /Download/ }).click()]);
      expect(download.suggestedFilename()).toMatch(/^list-books-\d+-[\d-]+\.csv$/);
      const file = (await readFile(await download.path(), 'utf8')).trimEnd().split(/\r?\n/);
      expect(file).toEqual(['Id,Title,Shelf,Price,Published', ...shown]);
      await task.scrollIntoViewIfNeeded();
      await screenshot(page, 'task', false);

      // The app's own screen changes the price through the app's route; the timeline says it in words.
      const priceForm = page.locator('form.price');
      await priceForm.getByLabel('Price').fill('75');
      await priceForm.getByRole('button', { name: 'Save' }).click();
      const timeline = page.locator('.sluice-timeline');
      await timeline.getByText('Price changed from 70 to 75').waitFor();
      expect(await timeline.locator('li').first().textContent()).toContain('reader');
      await timeline.scrollIntoViewIfNeeded();
      await screenshot(page, 'history', false);
      // From the top: the builder's side panel is sticky, and stays where the page was scrolled to.
      await page.evaluate('window.scrollTo(0, 0)');
      await screenshot(page, 'page');
      await context.close();
      expect(pageErrors).toEqual([]);
    });

    it('answers scripts with a bearer token: 401 without one, the sync summary and a first pull', async () => {
      const api = (path: string, init: RequestInit = {}, token?: string) =>
        fetch(new URL(path, server.url), {
          ...init,
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        });
      expect((await api('/api/sync/summary')).status).toBe(401);
      const login = await api('/api/login', { method: 'POST', body: JSON.stringify({ username: 'reader', password: 'reader' }) });
      const { token } = (await login.json()) as { token: string };
      const summary = (await (await api('/api/sync/summary', {}, token)).json()) as { mappings: { name: string }[] };
      expect(summary.mappings.map((mapping) => mapping.name)).toEqual(['books']);
      const pull = await api('/api/sync/pull', { method: 'POST', body: JSON.stringify({ mappings: { books: null }, limit: 1000 }) }, token);
      const pulled = (await pull.json()) as { mappings: Record<string, { changes: { id: string | number }[]; hasMore: boolean }> };
      expect(pulled.mappings.books?.changes).toHaveLength(250);
      const book = (await (await api('/api/books/7', {}, token)).json()) as { price: number };
      expect(pulled.mappings.books?.changes.find((row) => String(row.id) === '7')).toMatchObject({ title: 'Book 7', price: book.price, shelf_id: 2 });
    });
  });

  describe('the same routes in a NestJS app (Fastify adapter)', () => {
    let nest: Awaited<ReturnType<typeof startServer>>;
    const token = { authorization: 'Bearer consumer-token', 'content-type': 'application/json' };
    beforeAll(async () => {
      nest = await startServer(app, 'nestjs/main.ts', join(app, 'nest-data'));
    }, 60_000);
    afterAll(() => nest?.stop());

    it('serves its own controller next to the export catalog; 401 without the token', async () => {
      expect(await (await fetch(new URL('/api/health', nest.url))).json()).toEqual({ status: 'ok' });
      const anonymous = await fetch(new URL('/api/exports', nest.url));
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
      const catalog = (await (await fetch(new URL('/api/exports', nest.url), { headers: token })).json()) as { exports: { alias: string }[] };
      expect(catalog.exports.map((offered) => offered.alias).sort()).toEqual(['count_books', 'list_books']);
    });

    it('answers a request with a bad parameter 400 in sluice’s error shape, and downloads a good one', async () => {
      const check = await fetch(new URL('/api/exports/check', nest.url), {
        method: 'POST',
        headers: token,
        body: JSON.stringify({ export: 'list_books', formatter: { alias: 'csv_list', params: { separator: '|' } } }),
      });
      expect(check.status).toBe(400);
      const { error } = (await check.json()) as { error: { code: string; message: string } };
      expect(error).toMatchObject({ code: 'EXPORT_INVALID_PARAMETERS', message: expect.stringContaining('formatter.separator') });
      const download = await fetch(new URL('/api/exports/download', nest.url), {
        method: 'POST',
        headers: token,
        body: JSON.stringify({ export: 'count_books', aggregators: { book_shelf: {} }, formatter: { alias: 'csv', params: {} } }),
      });
      expect(download.headers.get('content-disposition')).toMatch(/filename="count-books-[\d-]+\.csv"/);
      expect((await download.text()).trim().split(/\r?\n/)).toEqual(['Shelf,Books,Average price', 'Fiction,125,1260', 'Science,125,1250']);
    });
  });

  it('type-checks (tsc --noEmit) its Node code and its page against the published declarations', async () => {
    expect(await typeChecks).toEqual(['', '']);
  });
});
