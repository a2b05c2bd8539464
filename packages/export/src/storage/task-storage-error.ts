import { defineErrorCatalog, SluiceError } from '@sluice/core';

/** Codes raised by task file storages: both mean stored state the storage did not make, never a user's input. */
export const taskStorageErrorCodes = defineErrorCatalog({
  EXPORT_TASK_FILE_KEY_INVALID: { statusCode: 500, description: 'A stored file key is not one the storage generated; the file is not touched.' },
  EXPORT_TASK_CHECKPOINT_INVALID: {
    statusCode: 500,
    description: "Recorded on a task, never answered over HTTP: its checkpoint's byte count disagrees with the stored upload it points into.",
  },
});

/** A task file's stored state that the storage cannot trust. */
export class TaskStorageError extends SluiceError {
  static checkpointMismatch(key: string, bytes: number): TaskStorageError {
    return new TaskStorageError('EXPORT_TASK_CHECKPOINT_INVALID', `The checkpoint at ${bytes} bytes does not match the stored upload of ${key}`, {
      details: { key, bytes },
    });
  }

  static invalidFileKey(key: string): TaskStorageError {
    return new TaskStorageError('EXPORT_TASK_FILE_KEY_INVALID', `Refusing file key ${JSON.stringify(key.slice(0, 80))}`);
  }
}
