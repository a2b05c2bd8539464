import { useState } from 'react';
import type { DeliveryRequest, ExportPreview, ExportRequestInput, ExportTask, FieldIssue } from '../server-types.ts';
import { SluiceApiError } from '../sluice-api-error.ts';
import { useSluice } from '../sluice-provider.tsx';
import { saveFile } from './save-file.ts';

/** Which action is running; the others wait, so a second click cannot send the request twice. */
export type BuilderBusy = null | 'preview' | 'download' | 'task';

/** A preview with the request it answers, so a preview of an older request can be told apart. */
export interface ShownPreview {
  preview: ExportPreview;
  request: string;
}

/** What the builder's buttons do with the current request, and what came of it. */
export interface BuilderActions {
  busy: BuilderBusy;
  error: unknown;
  /** Field problems the last action's answer named (the live check may not have caught them yet). */
  issues: FieldIssue[];
  shown: ShownPreview | null;
  queued: ExportTask | null;
  clearIssues(): void;
  preview(): void;
  download(): void;
  /** Queues the request as a task, delivered when it is ready as `deliveries` say. */
  runAsTask(deliveries?: DeliveryRequest[]): void;
}

/** Preview, download now, or queue as a task: one at a time, field problems kept apart from other errors. */
export function useBuilderActions(request: ExportRequestInput, onTaskQueued: ((task: ExportTask) => void) | undefined): BuilderActions {
  const { client } = useSluice();
  const [busy, setBusy] = useState<BuilderBusy>(null);
  const [error, setError] = useState<unknown>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [shown, setShown] = useState<ShownPreview | null>(null);
  const [queued, setQueued] = useState<ExportTask | null>(null);
  const run = async (kind: Exclude<BuilderBusy, null>, action: () => Promise<void>) => {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (failure) {
      if (failure instanceof SluiceApiError && failure.issues.length > 0) setIssues(failure.issues);
      else setError(failure);
    } finally {
      setBusy(null);
    }
  };
  const queue = async (deliveries: DeliveryRequest[]) => {
    const task = await client.createTask(deliveries.length > 0 ? { ...request, deliveries } : request);
    if (onTaskQueued) onTaskQueued(task);
    else setQueued(task);
  };
  return {
    busy,
    error,
    issues,
    shown,
    queued,
    clearIssues: () => setIssues([]),
    preview: () => void run('preview', async () => setShown({ preview: await client.previewExport(request), request: JSON.stringify(request) })),
    download: () => void run('download', async () => saveFile(await client.downloadExport(request))),
    runAsTask: (deliveries = []) => void run('task', () => queue(deliveries)),
  };
}
