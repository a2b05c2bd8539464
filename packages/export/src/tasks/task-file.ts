import type { TaskStorage } from '../storage/task-storage.ts';
import type { ExportTask } from './export-task-entity.ts';
import type { TaskTransitions } from './task-transitions.ts';

/**
 * Removes a task's file and forgets it (with the checkpoint that pointed into it). The row is cleared
 * only while it still names that file, so a re-run that already made a new one keeps it.
 */
export async function discardTaskFile(transitions: TaskTransitions, storage: TaskStorage, taskId: number, fileKey: string | null | undefined): Promise<void> {
  if (!fileKey) return;
  await storage.remove(fileKey);
  await transitions.forgetFile(taskId, fileKey);
}

/** Whether a succeeded task's file is gone or past its expiry. */
export function isTaskFileExpired(task: Pick<ExportTask, 'fileKey' | 'expiresAt'>, now = Date.now()): boolean {
  return !task.fileKey || (task.expiresAt != null && task.expiresAt.getTime() <= now);
}
