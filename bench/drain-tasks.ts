import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ExportTask } from '@sluice/export';

/**
 * Starts `workers` `sluice export:worker` processes with `env`, waits until every task of `ids` succeeded
 * (throws when one fails), stops the workers; answers the wall time and the tasks as they ended.
 */
export async function drainWithWorkers(
  ids: number[],
  workers: number,
  env: NodeJS.ProcessEnv,
  load: (id: number) => Promise<ExportTask>,
): Promise<{ seconds: number; tasks: ExportTask[] }> {
  const started = performance.now();
  const bin = join(import.meta.dirname, '../packages/cli/src/bin.ts');
  const processes = Array.from({ length: workers }, () =>
    spawn(process.execPath, [bin, 'export:worker', '--concurrency=1'], { cwd: join(import.meta.dirname, '..'), env, stdio: 'ignore' }),
  );
  try {
    let tasks = await Promise.all(ids.map(load));
    while (tasks.some((task) => task.status !== 'succeeded')) {
      if (tasks.some((task) => task.status === 'failed')) throw new Error('a task failed');
      await new Promise((wake) => setTimeout(wake, 50));
      tasks = await Promise.all(ids.map(load));
    }
    return { seconds: (performance.now() - started) / 1000, tasks };
  } finally {
    for (const child of processes) child.kill('SIGTERM');
  }
}
