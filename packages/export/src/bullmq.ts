/**
 * `@sluice/export/bullmq`: the scale-out dispatcher and worker. A separate entry point so that apps
 * without Redis never load BullMQ and its client.
 */
export { BullmqTaskDispatcher, BullmqTaskWorker, type BullmqWorkerOptions, defaultExportQueue } from './bullmq-task-queue.ts';
