/** Drops test databases an interrupted earlier run left on the servers named in DIALECTS. */
import { dropStaleTestDatabases, testDialects } from '@sluice/test-utils';

for (const dialect of testDialects()) {
  if (dialect === 'sqlite') continue;
  const dropped = await dropStaleTestDatabases(dialect);
  if (dropped > 0) console.log(`dropped ${dropped} stale ${dialect} test database(s)`);
}
