/** Drops test databases an interrupted earlier run left on the servers named in DIALECTS. */
import { dialectNamed } from '@sluice/db';
import { dropStaleTestDatabases, type ServerDialect, testDialects } from '@sluice/test-utils';

for (const dialect of testDialects()) {
  if (dialectNamed(dialect).embedded) continue;
  const dropped = await dropStaleTestDatabases(dialect as ServerDialect);
  if (dropped > 0) console.log(`dropped ${dropped} stale ${dialect} test database(s)`);
}
