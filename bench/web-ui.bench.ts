/**
 * Web UI: `node bench/web-ui.bench.ts [--rounds 7]`.
 * 1. What the browser downloads before the first screen: the scripts, module preloads and styles
 *    `index.html` names, gzip-compressed as served; lazily loaded chunks (the chart library) apart.
 * 2. The export builder in headless Chromium against `npm start`'s server (embedded SQLite, 10,000 demo
 *    people), logged in: first contentful paint and the moment the builder's form is on screen, with a
 *    cold cache (new browser context) and a warm one (reload), the two taking turns round after round.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '@sluice/test-utils';
import { launchBrowser } from '../apps/web/test/browser.ts';
import { startDemoServer } from './demo-server.ts';
import { spread } from './stats.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const dist = join(import.meta.dirname, '../apps/web/dist');

function gzipKb(file: string): number {
  return statSync(join(dist, `${file}.gz`)).size / 1024;
}

function bundleSizes(): void {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1] as string);
  const lazy = readdirSync(join(dist, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `assets/${name}`)
    .filter((file) => !initial.includes(file));
  const total = (files: string[]) => files.reduce((sum, file) => sum + gzipKb(file), 0);
  console.log(`initial download\t${total(initial).toFixed(1)} kB gzip\t${initial.join(', ')}`);
  console.log(`loaded lazily\t${total(lazy).toFixed(1)} kB gzip\t${lazy.join(', ')}`);
}

// Runs in the page before its scripts: when the builder's form first exists, and the first paint after it.
const watchBuilder = `new MutationObserver((_, observer) => {
  if (!document.querySelector('.builder-grid fieldset')) return;
  observer.disconnect();
  requestAnimationFrame(() => requestAnimationFrame(() => { window.__builderPainted = performance.now(); }));
}).observe(document, { childList: true, subtree: true });`;

async function main(): Promise<void> {
  bundleSizes();
  const database = await createTestDatabase('sqlite');
  const server = await startDemoServer(database.url, { DEMO_PEOPLE: '10000' });
  const browser = await launchBrowser();
  const samples = { cold: { fcp: [] as number[], builder: [] as number[] }, warm: { fcp: [] as number[], builder: [] as number[] } };
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.request.post(`${server.base}/api/login`, { data: { username: 'alice', password: 'alice' } });
      await context.addInitScript(watchBuilder);
      const page = await context.newPage();
      for (const cache of ['cold', 'warm'] as const) {
        if (cache === 'cold') await page.goto(`${server.base}/exports`);
        else await page.reload();
        await page.waitForFunction('window.__builderPainted !== undefined');
        samples[cache].builder.push(await page.evaluate<number>('window.__builderPainted'));
        samples[cache].fcp.push(await page.evaluate<number>(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`));
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
    await database.drop();
  }
  for (const cache of ['cold', 'warm'] as const) {
    console.log(
      `export builder, ${cache} cache\tfirst contentful paint ${spread(samples[cache].fcp, 0)} ms\tform on screen ${spread(samples[cache].builder, 0)} ms`,
    );
  }
}

await main();
