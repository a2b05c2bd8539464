import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describeEachDialect } from '@sluice/test-utils';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string }[];
  hasBody: boolean;
  /** Answers 200 with a server-sent event stream that stays open. */
  stream: boolean;
  /** Bodies shaped by the operation's schema, with hostile values mixed in. */
  bodies: fc.Arbitrary<unknown>;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
}

/** Values that satisfy `schema` (small ids, so they hit the seeded rows). */
function valid(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant(null);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return fc.oneof(...variants.map((variant) => valid(variant, depth + 1)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valid(property, depth + 1)])));
    case 'array':
      return fc.array(valid(schema.items, depth + 1), { minLength: 1, maxLength: 3 });
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? 0, 0), max: Math.max(Math.min(schema.maximum ?? 5, 5), schema.minimum ?? 0) });
    case 'boolean':
      return fc.boolean();
    default:
      if (schema.format === 'date') return fc.constant('2021-03-04');
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= 20);
      return fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' });
  }
}

/** A valid body with one field replaced by a hostile value: what reaches the database if validation misses it. */
function mutated(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema?.properties ?? {});
  if (keys.length === 0) return value;
  return fc.tuple(valid(schema), fc.constantFrom(...keys), nasty).map(([body, key, bad]) => ({ ...(body as object), [key]: bad }));
}

/** Every operation of the OpenAPI document the app serves (logout left out: it would end the fuzzer's own sessions). */
function operations(document: {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        responses?: Record<string, { content?: Record<string, unknown> }>;
      }
    >
  >;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'patch', 'put', 'delete'].includes(method) && path !== '/api/logout')
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        hasBody: operation.requestBody !== undefined,
        // A live stream stays open: its answer is judged by its status and headers.
        stream: operation.responses?.['200']?.content?.['text/event-stream'] !== undefined,
        bodies: ((schema) => fc.oneof({ weight: 1, arbitrary: valid(schema) }, { weight: 3, arbitrary: mutated(schema) }, { weight: 1, arbitrary: value }))(
          operation.requestBody?.content?.['application/json']?.schema,
        ),
      })),
  );
}

/** Percent-encodes any string, lone surrogates included (as the bytes a careless client would send). */
function encodeSegment(text: string): string {
  return [...text]
    .map((char) => {
      const unit = char.charCodeAt(0);
      if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff)
        return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
      return encodeURIComponent(char);
    })
    .join('');
}

async function documentedCodes(): Promise<Set<string>> {
  const text = await readFile(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
  return new Set([...text.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1] as string));
}

// Values that broke the server once or could: NUL, lone surrogates, huge and negative numbers, odd shapes.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000', '\ud800', 'x\udfff', 'ok\ud83d'),
  fc.constantFrom('\u0000', '\ud800', 'a\udc00b', '0x2', '1e1', ' 2', '2.0', '-1', '9'.repeat(120), '%00', '../../etc/passwd', "' or 1=1 --", '=cmd|calc'),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.double(),
    fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
    fc.boolean(),
    fc.constant(null),
    tie('list'),
    tie('object'),
  ),
  list: fc.array(tie('any'), { maxLength: 5 }),
  object: fc.dictionary(
    fc.oneof(nasty, fc.constantFrom('id', 'name', 'export', 'formatter', 'filters', 'aggregators', 'mappings', 'changes', 'limit')),
    tie('any'),
    { maxKeys: 5 },
  ),
})).any;
const deep = fc.integer({ min: 100, max: 3_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

/** The heap after a full collection: what stays alive. */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describeEachDialect('OpenAPI-driven fuzzing', (dialect) => {
  let t: TestApp;
  let tokens: (string | null)[];
  let codes: Set<string>;
  beforeAll(async () => {
    t = await startTestApp(dialect, { people: 20 });
    tokens = [await t.login('alice'), await t.login('bob'), await t.login('admin'), null, 'tampered-token'];
    codes = await documentedCodes();
  });
  afterAll(() => t.close());

  it('answers every malformed request of every operation with a documented 4xx (never 5xx), and memory settles', async () => {
    await t.app.ready();
    const ops = operations(t.app.swagger() as never);
    expect(ops.length).toBeGreaterThan(30);
    const request = fc.record({
      op: fc.constantFrom(...ops).chain((op) =>
        fc.record({
          op: fc.constant({ method: op.method, path: op.path, hasBody: op.hasBody, stream: op.stream }),
          shaped: op.bodies.map((body) => JSON.stringify(body) ?? 'null'),
        }),
      ),
      // Mostly users who may act, so requests get past authentication to the code that stores data.
      token: fc.constantFrom(tokens[0], tokens[0], tokens[2], ...tokens),
      params: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom('1', '2', '3', 'people', 'orders') }, { weight: 1, arbitrary: nasty }), {
        minLength: 3,
        maxLength: 3,
      }),
      query: fc.dictionary(fc.oneof(nasty, fc.constantFrom('limit', 'after', 'before', 'orderBy', 'offset', 'count', 'at', 'last_pulled_at')), nasty, {
        maxKeys: 3,
      }),
      body: fc.oneof(
        fc.constant(null),
        value.map((body) => JSON.stringify(body) ?? 'null'),
        deep,
        nasty,
      ),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      ),
    });
    const failures: string[] = [];
    let sent = 0;
    const heap: number[] = [];
    await fc
      .assert(
        fc.asyncProperty(request, async ({ op: { op, shaped }, token, params, query, body: other, contentType }) => {
          const body = other ?? shaped;
          let index = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeSegment(params[index++] ?? ''));
          const search = Object.entries(query as Record<string, string>)
            .map(([key, item]) => `${encodeSegment(key)}=${encodeSegment(item)}`)
            .join('&');
          const response = await t.app.inject({
            method: op.method as 'GET',
            url: search ? `${path}?${search}` : path,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(op.hasBody ? { 'content-type': contentType } : {}) },
            ...(op.hasBody ? { payload: body } : {}),
            payloadAsStream: op.stream,
          });
          let text = '';
          if (op.stream) {
            const stream = response.stream();
            if (response.statusCode === 200) {
              stream.destroy(); // an open live stream: its status says all
              sent += 1;
              return response.headers['content-type']?.toString().startsWith('text/event-stream') === true;
            }
            for await (const chunk of stream) text += chunk;
          } else text = response.body;
          sent += 1;
          if (sent % 500 === 0) heap.push(liveHeap());
          const answer = (() => {
            try {
              return JSON.parse(text) as { error?: { code?: string; message?: string } };
            } catch {
              return null;
            }
          })();
          const code = answer?.error?.code;
          const bad = response.statusCode >= 500 || (response.statusCode >= 400 && (!code || !codes.has(code) || typeof answer?.error?.message !== 'string'));
          if (bad) failures.push(`${op.method} ${op.path} -> ${response.statusCode} ${text.slice(0, 200)}`);
          return !bad;
        }),
        { numRuns: 3_000, seed: 20_261_130, endOnFailure: true },
      )
      .catch(() => undefined); // the failures below say what went wrong
    expect(failures).toEqual([]);
    // What stays alive after the last 2,500 requests is what stayed alive after the first 500, give or take.
    expect((heap.at(-1) as number) - (heap[0] as number)).toBeLessThan(16 * 1024 * 1024);
  });
});
