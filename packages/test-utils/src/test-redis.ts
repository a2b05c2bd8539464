import { randomBytes } from 'node:crypto';

/** The Redis the tests use (`SLUICE_TEST_REDIS_URL`, default the local one). */
export function testRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLUICE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/** A queue name no other test run uses. */
export function uniqueQueueName(prefix = 'sluice-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
