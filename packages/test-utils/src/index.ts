export { describeEachDialect } from './describe-each-dialect.ts';
export { testDialects } from './dialects.ts';
export { countTurns } from './event-loop-turns.ts';
export { mikroOrmConnection } from './mikro-orm-connection.ts';
export { createTestDatabase, dropStaleTestDatabases, type ServerDialect, serverUrls, type TestDatabase, testDatabasePrefix } from './test-database.ts';
export { testRedisUrl, uniqueQueueName } from './test-redis.ts';
export { startTestS3, type TestS3 } from './test-s3.ts';
