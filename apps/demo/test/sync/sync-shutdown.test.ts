import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-app.ts';

describeEachDialect('a server closing with live sync streams open', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 20 });
  });
  afterAll(() => t.close());

  it('ends every stream and closes, instead of waiting for clients that never leave (SIGTERM)', async () => {
    const token = await t.login('alice');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const streams = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const response = await fetch(`${address}/api/sync/stream`, { headers: { authorization: `Bearer ${token}` } });
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: ready/);
        return reader;
      }),
    );
    // Without the streams ended, close() waits for them forever and the test times out.
    await t.app.close();
    for (const reader of streams) {
      let ended = false;
      while (!ended) ended = (await reader.read()).done;
      expect(ended).toBe(true);
    }
  });
});
