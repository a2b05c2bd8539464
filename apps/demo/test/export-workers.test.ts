import { describeEachDialect } from '@sluice/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

// How workers run tasks (races, progress, cancel, retries, leases, crashes, shutdown, cleanup) is tested
// in packages/export/test; here, what the demo wires into them: who a task's owner is when it runs.
describeEachDialect('export task workers on the demo’s users', (dialect) => {
  let t: TestApp;
  const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().getConnection().execute(text, params);
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 30, tasks: { workers: 0 } });
  });
  afterAll(() => t.close());

  it('runs a task as its owner is now: one who lost the center since asking fails at once, without retries', async () => {
    const alice = await t.login('alice');
    const create = async () => {
      const created = await t.request(alice, 'POST', '/api/export-tasks', { export: 'list_people', scopes: ['1'], formatter: { alias: 'csv_list' } });
      expect(created.statusCode, created.body).toBe(202);
      return created.json().id as number;
    };
    const revoked = await create();
    const allowed = await create();
    // The demo's runner reads the owner from the users table (demoTaskConfig's loadUser) at every run.
    const { runner } = t.tasks;
    const [user] = await sql("select id from app_user where username = 'alice'");
    await sql('delete from app_user_centers where app_user_id = ? and center_id = 1', [user?.id]);
    try {
      expect(await runner.run(await runner.claim(revoked))).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'EXPORT_FORBIDDEN', fileKey: null });
    } finally {
      await sql('insert into app_user_centers (app_user_id, center_id) values (?, 1)', [user?.id]);
    }
    expect(await runner.run(await runner.claim(allowed))).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
