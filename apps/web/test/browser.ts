import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { webUiBuilt } from '../../demo/src/http/web-ui.ts';
import type { TestApp } from '../../demo/test/test-app.ts';

const root = join(import.meta.dirname, '../../..');
const chromiumPath = '/usr/bin/chromium';

/** Debian's chromium (installed when missing, never downloaded) with the flags this machine kind needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) execFileSync('bash', [join(root, 'scripts/ensure-chromium.sh')], { stdio: 'inherit' });
  if (!webUiBuilt()) execFileSync('npm', ['run', 'build', '--workspace', '@sluice/web'], { cwd: root, stdio: 'inherit' });
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Listens on a loopback port and answers the base URL. */
export async function serve(t: TestApp): Promise<string> {
  return t.app.listen({ port: 0, host: '127.0.0.1' });
}

/** Where page screenshots go: a test artifact to look at (a broken layout is a failed test). */
export const screenshotDirectory = join(root, 'var/screenshots');

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(screenshotDirectory, { recursive: true });
  await page.screenshot({ path: join(screenshotDirectory, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** Logs in through the form and waits for the first page. */
export async function logIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(base);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(username);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
