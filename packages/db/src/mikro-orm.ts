export { dialectOf } from './mikro-orm/dialect-of.ts';
export { entityKey, entityKeyText } from './mikro-orm/entity-key.ts';
export { FlushCapture, type FlushContext, type StoreTime } from './mikro-orm/flush-capture.ts';
export { type Pivot, pivotOf, readPivot } from './mikro-orm/pivot-reader.ts';
export { sqlRunner } from './mikro-orm/sql-runner.ts';
