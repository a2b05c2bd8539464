import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A demo server in its own process, as users run it. */
export interface DemoServer {
  base: string;
  pid: number;
  stop(): Promise<void>;
  /** Sends `signal` (SIGKILL: a crash) and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `apps/demo/src/main.ts` on `url` (no in-process export worker, no demo people) and waits for
 * its health check; `env` adds or overrides settings.
 * @example const server = await startDemoServer(database.url, { SESSION_CACHE_MS: '0' });
 */
export async function startDemoServer(url: string, env: Record<string, string> = {}): Promise<DemoServer> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, [join(import.meta.dirname, '../apps/demo/src/main.ts')], {
    env: { ...process.env, DATABASE_URL: url, EXPORT_WORKERS: '0', LOG_LEVEL: 'warn', DEMO_PEOPLE: '0', ...env, PORT: port },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    // Another process on the port would answer the health check: this child must still be running.
    const healthy = await fetch(`${base}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (child.exitCode !== null || attempt > 300) {
      child.kill('SIGKILL');
      throw new Error(`server did not start${child.exitCode !== null ? ` (exited with ${child.exitCode})` : ''}`);
    }
    if (healthy) break;
    await sleep(100);
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { base, pid: child.pid as number, stop: () => kill('SIGTERM'), kill };
}

/** Logs in as a demo user (password = user name) and returns the bearer token. */
export async function login(base: string, username: string): Promise<string> {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: username }),
  });
  return ((await response.json()) as { token: string }).token;
}

/** A port nobody listens on now (the system's choice), so servers started together never collide. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
