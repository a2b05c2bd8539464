import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** An S3-protocol server on a loopback port, as the tests start it. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** s3rver's own static credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** What `new S3Client(...)` needs to reach it (checksums only where required: s3rver predates the newer ones). */
  clientConfig: {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
    requestChecksumCalculation: 'WHEN_REQUIRED';
    responseChecksumValidation: 'WHEN_REQUIRED';
  };
  /** Environment for a process that reaches it (the demo's S3_* settings plus AWS credentials). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts s3rver (npm) on 127.0.0.1 with one empty bucket, its objects in a temporary directory. A real
 * S3 protocol server: the AWS SDK talks HTTP to it exactly as to any S3-compatible store.
 */
export async function startTestS3(bucket = 'sluice-test'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sluice-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  return {
    endpoint,
    bucket,
    credentials,
    clientConfig: {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    },
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
