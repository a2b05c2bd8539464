import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startTestS3, type TestS3 } from '@sluice/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SinkCheckpoint, TaskSink } from '../src/index.ts';
import { S3TaskStorage } from '../src/s3.ts';

const partSize = 64 * 1024;

describe('S3TaskStorage on a real S3-protocol server (s3rver)', () => {
  let s3: TestS3;
  let client: S3Client;
  let storage: S3TaskStorage;
  beforeAll(async () => {
    s3 = await startTestS3();
    client = new S3Client(s3.clientConfig);
    storage = new S3TaskStorage({ client, bucket: s3.bucket, prefix: 'tasks/', partSize });
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.close();
  });

  const objectKeys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((object) => object.Key);
  const write = (sink: TaskSink, data: Buffer) => new Promise<void>((done, fail) => sink.write(data, (error) => (error ? fail(error) : done())));
  /** A second sink continues `key` from `checkpoint` with the rest of `data`; the stored file must be `data`. */
  const continueFrom = async (key: string, checkpoint: SinkCheckpoint, data: Buffer) => {
    const second = await storage.openForWriting(key, checkpoint);
    expect(second.position).toBe(checkpoint.bytes);
    await write(second, data.subarray(checkpoint.bytes));
    second.end();
    await finished(second);
    expect((await buffer(storage.read(key))).equals(data)).toBe(true);
  };

  it('uploads a file in parts and serves it back whole; nothing else stays in the bucket', async () => {
    const key = await storage.create(1, 'csv');
    // Several times the two part buffers the sink reuses.
    const data = randomBytes(9 * partSize + 123);
    const sink = await storage.openForWriting(key);
    for (let at = 0; at < data.length; at += 10_000) await write(sink, data.subarray(at, at + 10_000));
    sink.end();
    await finished(sink);
    expect(sink.position).toBe(data.length);
    expect(await storage.size(key)).toBe(data.length);
    expect((await buffer(storage.read(key))).equals(data)).toBe(true);
    expect(await objectKeys()).toEqual([`tasks/${key}`]);
    await storage.remove(key);
    expect(await objectKeys()).toEqual([]);
  });

  it('makes a checkpoint durable only at a part boundary, and another sink continues the same upload from it', async () => {
    const key = await storage.create(2, 'xlsx');
    const data = randomBytes(4 * partSize);
    const first = await storage.openForWriting(key);
    await write(first, data.subarray(0, partSize / 2));
    expect(first.canSync).toBe(false);
    expect(await first.sync()).toBeNull();
    await write(first, data.subarray(partSize / 2, 1.5 * partSize));
    expect(first.canSync).toBe(true);
    const checkpoint: SinkCheckpoint = JSON.parse(JSON.stringify(await first.sync()));
    expect(checkpoint.bytes).toBe(1.5 * partSize);
    // Written after the checkpoint, then the worker dies: those bytes must not reappear.
    await write(first, randomBytes(partSize * 2));
    await first.sync();
    first.destroy();

    await continueFrom(key, checkpoint, data);
    await storage.remove(key);
  });

  it("keeps a shutdown's tail of less than a part durably, and another sink continues after it", async () => {
    // A SIGTERMed worker with under a part pending used to save no checkpoint: all its rows were redone.
    const key = await storage.create(6, 'csv');
    const data = randomBytes(3 * partSize + 77);
    const first = await storage.openForWriting(key);
    await write(first, data.subarray(0, 1.25 * partSize));
    await first.sync();
    await write(first, data.subarray(1.25 * partSize, 1.5 * partSize));
    expect(first.canSync).toBe(false);
    const checkpoint: SinkCheckpoint = JSON.parse(JSON.stringify(await first.sync({ whole: true })));
    expect(checkpoint.bytes).toBe(1.5 * partSize);
    first.destroy();

    await continueFrom(key, checkpoint, data);
    // The tail object goes with the upload's marker.
    expect(await objectKeys()).toEqual([`tasks/${key}`]);
    await storage.remove(key);
  });

  it('keeps the object a run completed when a later run resumes its upload (killed between completion and commit)', async () => {
    // The next attempt used to upload parts into the completed (gone) upload and fail every time.
    const key = await storage.create(7, 'csv');
    const data = randomBytes(2 * partSize + 500);
    const first = await storage.openForWriting(key);
    await write(first, data.subarray(0, partSize));
    const checkpoint: SinkCheckpoint = JSON.parse(JSON.stringify(await first.sync()));
    await write(first, data.subarray(partSize));
    first.end();
    await finished(first);

    const second = await storage.openForWriting(key, checkpoint);
    await write(second, data.subarray(partSize));
    second.end();
    await finished(second);
    expect(second.position).toBe(data.length);
    expect((await buffer(storage.read(key))).equals(data)).toBe(true);
    expect(await objectKeys()).toEqual([`tasks/${key}`]);
    await storage.remove(key);
  });

  it('refuses a checkpoint whose bytes disagree with its parts', async () => {
    const key = await storage.create(3, 'csv');
    const sink = await storage.openForWriting(key);
    await write(sink, randomBytes(partSize));
    const checkpoint = await sink.sync();
    sink.destroy();
    if (!checkpoint) throw new Error('a full part did not sync');
    await expect(storage.openForWriting(key, { ...checkpoint, bytes: checkpoint.bytes + 1 })).rejects.toMatchObject({ code: 'EXPORT_TASK_CHECKPOINT_INVALID' });
    await expect(storage.openForWriting(key, { bytes: 10 })).rejects.toMatchObject({ code: 'EXPORT_TASK_CHECKPOINT_INVALID' });
    await storage.remove(key);
  });

  it('removes an unfinished upload (its marker and, where the store can, its parts) and reports a missing file as ENOENT', async () => {
    const key = await storage.create(4, 'csv');
    const sink = await storage.openForWriting(key);
    await write(sink, randomBytes(partSize));
    await sink.sync();
    sink.destroy();
    expect(await objectKeys()).toEqual([`tasks/${key}.upload`]);
    await storage.remove(key);
    expect(await objectKeys()).toEqual([]);
    await expect(storage.size(key)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes an empty file', async () => {
    const key = await storage.create(5, 'json');
    const sink = await storage.openForWriting(key);
    sink.end();
    await finished(sink);
    expect(await storage.size(key)).toBe(0);
    await storage.remove(key);
  });

  it('refuses keys it did not make', async () => {
    await expect(storage.size('../etc/passwd')).rejects.toMatchObject({ code: 'EXPORT_TASK_FILE_KEY_INVALID' });
  });
});
