import { DirectoryTaskStorage, type TaskStorage } from '@sluice/export';
import type { AppConfig } from '../config.ts';

/**
 * Where the demo's task files go: an S3-compatible store when `S3_BUCKET` is set (every server and
 * worker machine reaches the same files), else the local directory `EXPORT_DIR`.
 */
export async function openTaskStorage(config: Pick<AppConfig, 'exportDirectory' | 's3'>): Promise<TaskStorage> {
  if (!config.s3) return new DirectoryTaskStorage(config.exportDirectory);
  // Loaded only when used: a demo on a local disk never carries the AWS SDK.
  const [{ S3Client }, { S3TaskStorage }] = await Promise.all([import('@aws-sdk/client-s3'), import('@sluice/export/s3')]);
  const { bucket, endpoint, region, prefix, forcePathStyle, partSize } = config.s3;
  // Checksums only where the protocol requires them: several S3-compatible stores reject the newer trailers.
  const client = new S3Client({ endpoint, region, forcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  return new S3TaskStorage({ client, bucket, prefix, partSize });
}
