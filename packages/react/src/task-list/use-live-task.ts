import { useEffect, useState } from 'react';
import type { ExportTask } from '../server-types.ts';
import { useSluice } from '../sluice-provider.tsx';

const live = new Set<ExportTask['status']>(['queued', 'running']);

/** Whether a task may still change by itself. */
export function isLive(task: ExportTask): boolean {
  return live.has(task.status);
}

interface Sample {
  at: number;
  rows: number;
}

/** Whether a finished task still has deliveries on their way (its events have ended, so it is polled). */
function deliveriesUnderway(task: ExportTask): boolean {
  return task.status === 'succeeded' && task.deliveries.some((delivery) => delivery.status === 'pending' || delivery.status === 'sending');
}

/** How often a finished task with deliveries underway is read again. */
const deliveryPollMs = 2_000;

/** How many recent progress events the speed is measured over: smooth, yet quick to follow a change. */
const sampleCount = 10;

function rate(samples: Sample[]): number | null {
  const [first, last] = [samples[0], samples.at(-1)];
  return first && last && last.at > first.at ? ((last.rows - first.rows) * 1000) / (last.at - first.at) : null;
}

/**
 * Follows a queued or running task over server-sent events until its `end` event; answers the latest
 * task and its speed in rows per second, measured over the last events; then, while its e-mails and
 * webhooks are underway, reads it again every 2 s. The list mounts a new item for each new version of a
 * task, so `initial` is read once.
 */
export function useLiveTask(initial: ExportTask): { task: ExportTask; rowsPerSecond: number | null } {
  const { client } = useSluice();
  const [state, setState] = useState({ task: initial, samples: [] as Sample[] });
  const [watched] = useState(initial);
  useEffect(() => {
    if (!isLive(watched)) return;
    const take = (task: ExportTask) =>
      setState(({ samples }) => ({ task, samples: [...samples.slice(1 - sampleCount), { at: Date.now(), rows: task.processedCount }] }));
    return client.watchTask(watched.id, { progress: take, end: take });
  }, [watched, client]);
  const underway = deliveriesUnderway(state.task);
  const id = state.task.id;
  useEffect(() => {
    if (!underway) return;
    // A failed read waits for the next tick; the item shows the last state it knows meanwhile.
    const timer = setInterval(
      () =>
        void client.task(id).then(
          (task) => setState((current) => ({ ...current, task })),
          () => {},
        ),
      deliveryPollMs,
    );
    return () => clearInterval(timer);
  }, [underway, id, client]);
  return { task: state.task, rowsPerSecond: rate(state.samples) };
}
