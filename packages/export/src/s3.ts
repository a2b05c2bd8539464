/**
 * `@sluice/export/s3`: task files on an S3-compatible object store. A separate entry point so that apps
 * writing to a local disk never load the AWS SDK.
 */
export { S3TaskStorage, type S3TaskStorageOptions } from './storage/s3-task-storage.ts';
