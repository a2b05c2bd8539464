import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

const run = promisify(execFile);

// The document is the same on every dialect (it comes from the route schemas), so one database will do.
describe('OpenAPI document', () => {
  let t: TestApp;
  let document: string;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { people: 1 });
    await t.app.ready();
    document = JSON.stringify(t.app.swagger());
  });
  afterAll(() => t.close());

  it('passes an independent linter (Redocly, recommended rules) with zero errors', async () => {
    const problems = await lintFromString({ source: document, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] } as never) });
    expect(
      problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.ruleId}: ${problem.message} ${problem.location[0]?.pointer}`),
    ).toEqual([]);
    // The one warning left: the public health check has no 4xx answer to document.
    expect(problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`)).toEqual([
      'operation-4xx-response #/paths/~1api~1health/get/responses',
    ]);
  });

  it('documents every protected route’s 401, public routes without security, and streams by content type', () => {
    const paths = JSON.parse(document).paths as Record<
      string,
      Record<string, { operationId?: string; security?: unknown[]; responses: Record<string, { content?: object }> }>
    >;
    const operations = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(new Set(operations.map(({ operation }) => operation.operationId)).size).toBe(operations.length);
    for (const { path, method, operation } of operations) {
      const isPublic = ['/api/login', '/api/health'].includes(path);
      expect(operation.security, `${method} ${path}`).toEqual(isPublic ? [] : undefined);
      if (!isPublic) expect(operation.responses[401], `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys(paths['/api/export-tasks/{id}/download']?.get?.responses[200]?.content ?? {})).toEqual(['application/octet-stream']);
    expect(Object.keys(paths['/api/export-tasks/{id}/events']?.get?.responses[200]?.content ?? {})).toEqual(['text/event-stream']);
  });

  it('generates a typed client (openapi-typescript) that type-checks calls against it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'sluice-openapi-'));
    try {
      await writeFile(join(directory, 'api.d.ts'), astToString(await openapiTS(document)));
      await writeFile(
        join(directory, 'calls.ts'),
        `import type { paths } from './api';
type Person = paths['/api/people/{id}']['get']['responses'][200]['content']['application/json'];
const person: Person = { id: 1, firstName: 'Ada', lastName: 'Lovelace', gender: null, birthdate: null, nationality: null, centerId: 1, createdAt: '2025-01-01T00:00:00.000Z' };
type Login = paths['/api/login']['post']['requestBody'];
const login: NonNullable<Login>['content']['application/json'] = { username: 'alice', password: 'alice' };
type Pull = NonNullable<paths['/api/sync/pull']['post']['requestBody']>['content']['application/json'];
const pull: Pull = { mappings: { people: null }, limit: 100 };
type Failure = paths['/api/orders/{id}']['get']['responses'][404]['content']['application/json'];
const failure: Failure = { error: { code: 'NOT_FOUND', message: 'Order 1 not found' } };
// @ts-expect-error a person has no such field: the generated types are checked, not any
const wrong: Person = { ...person, shoeSize: 44 };
export { person, login, pull, failure, wrong };
`,
      );
      const tsc = join(import.meta.dirname, '../node_modules/typescript/bin/tsc');
      const result = await run(process.execPath, [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        join(directory, 'calls.ts'),
      ]).catch((failure: { stdout: string; code: number }) => failure);
      expect((result as { stdout: string }).stdout).toBe('');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
