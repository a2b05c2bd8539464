import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { TaskDispatcher } from './export-task-config.ts';

/** The BullMQ queue export tasks travel on unless told otherwise. */
export const defaultExportQueue = 'sluice-export-tasks';

export interface TaskJob {
  taskId: number;
}

export function connect(redisUrl: string): Redis {
  // BullMQ workers block on Redis and need ioredis never to give up on a command.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself and commands reject on their own; the event only needs a listener, or a
  // dropped connection is printed as an unhandled error.
  redis.on('error', () => {});
  return redis;
}

/**
 * Puts a job on a BullMQ queue for every task that becomes due. A job only says "look at task N":
 * the database row decides whether it runs, so a lost or duplicated job never loses or doubles a task.
 */
export class BullmqTaskDispatcher implements TaskDispatcher {
  readonly queue: Queue<TaskJob>;
  readonly #redis: Redis;

  constructor(redisUrl: string, queueName = defaultExportQueue) {
    this.#redis = connect(redisUrl);
    this.queue = new Queue<TaskJob>(queueName, { connection: this.#redis });
  }

  async dispatch(taskId: number, delayMs = 0): Promise<void> {
    await this.queue.add('export-task', { taskId }, { delay: delayMs, removeOnComplete: true, removeOnFail: 1_000 });
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.#redis.disconnect();
  }
}
