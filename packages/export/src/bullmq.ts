/**
 * `@sluice/export/bullmq`: the scale-out dispatcher and worker. A separate entry point so that apps
 * without Redis never load BullMQ and its client.
 */
export { BullmqTaskDispatcher, defaultExportQueue } from './tasks/bullmq-task-dispatcher.ts';
export { BullmqTaskWorker, type BullmqWorkerOptions } from './tasks/bullmq-task-worker.ts';
