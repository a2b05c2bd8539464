import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by export tasks. A task the caller may not see is `NOT_FOUND`, exactly like a missing one. */
export const exportTaskErrorCodes = defineErrorCatalog({
  EXPORT_TASK_NOT_CANCELLABLE: {
    statusCode: 409,
    description: 'The task already ended (succeeded, failed or cancelled); only queued or running tasks can be cancelled.',
  },
  EXPORT_TASK_NOT_RETRYABLE: { statusCode: 409, description: 'Only failed or cancelled tasks can be retried; a queued, running or succeeded task cannot.' },
  EXPORT_TASK_NOT_READY: { statusCode: 409, description: 'The task has no file to download yet (it has not succeeded).' },
  EXPORT_TASK_FILE_EXPIRED: { statusCode: 410, description: "The task's file passed its expiry and was removed by cleanup; run the export again." },
  EXPORT_TASK_FILE_MISSING: {
    statusCode: 410,
    description: 'The task succeeded but its file is no longer in the storage (removed by hand); run the export again.',
  },
  EXPORT_TASK_NOT_CLAIMABLE: {
    statusCode: 409,
    description: 'A worker could not take the task: it is running under a live lease, already ended (use --force to re-run it) or missing.',
  },
  EXPORT_TASK_CRASH_LOOP: {
    statusCode: 409,
    description:
      'Recorded on a task, never answered over HTTP: its worker stopped responding too many times in a row without a new checkpoint (a poison task).',
  },
});

/** A task operation that cannot be done in the task's current state. */
export class ExportTaskError extends SluiceError {
  static fileMissing(id: number): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_FILE_MISSING', `The file of export task ${id} is gone from the storage; run the export again`, {
      details: { id },
    });
  }

  static notCancellable(id: number, status: string): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_NOT_CANCELLABLE', `Export task ${id} is ${status} and cannot be cancelled`, {
      details: { id, status },
    });
  }

  static notRetryable(id: number, status: string): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_NOT_RETRYABLE', `Export task ${id} is ${status}; only failed or cancelled tasks can be retried`, {
      details: { id, status },
    });
  }

  static notReady(id: number, status: string): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_NOT_READY', `Export task ${id} is ${status}; its file is not ready`, { details: { id, status } });
  }

  static fileExpired(id: number): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_FILE_EXPIRED', `The file of export task ${id} expired and was removed`, { details: { id } });
  }

  static notClaimable(id: number, reason: string): ExportTaskError {
    return new ExportTaskError('EXPORT_TASK_NOT_CLAIMABLE', `Export task ${id} cannot be taken: ${reason}`, { details: { id } });
  }
}
