import { PassThrough } from 'node:stream';
import { documentedOnly, errorBody, fileResponse, sluiceRouteScope } from '@sluice/core/fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExportResult, ListResult } from '../elements/export-result.ts';
import { type JsonResult, jsonResultSchema, tabularJson } from '../formatters/json-formatter.ts';
import { exportFileName } from '../pipeline/export-file-name.ts';
import type { ExportRegistry } from '../pipeline/export-registry.ts';
import { exportCheckSchema, offeredExportSchema } from '../pipeline/offered-export.ts';
import { describeExport, runExport } from '../pipeline/run-export.ts';
import { writeExport } from '../pipeline/write-export.ts';
import { callerOf, type ExportHttpOptions } from './http-caller.ts';
import { withReaderLocale } from './reader-locale.ts';

/** Options of {@link exportRoutes}. */
export interface ExportRoutesOptions extends ExportHttpOptions {
  registry: ExportRegistry;
  /** Rows a preview answers at most (default 1,000). */
  previewLimit?: number;
}

async function previewRows(result: ListResult, limit: number): Promise<{ rows: unknown[][]; truncated: boolean }> {
  const rows: unknown[][] = [];
  for await (const row of result.rows) {
    if (rows.length === limit) return { rows, truncated: true };
    rows.push(row);
  }
  return { rows, truncated: false };
}

async function preview(result: ExportResult, limit: number): Promise<JsonResult> {
  if (result.kind === 'tabular') return tabularJson(result, limit);
  const { rows, truncated } = await previewRows(result, limit);
  const columns = result.columns.map(({ key, label, type }) => ({ key, label, type: type ?? 'text' }));
  return { columns, rows: rows.map((row) => row.map((value) => ({ value, label: null }))), description: result.description, truncated };
}

/**
 * The export catalog, a request checked and said in sentences, a preview and a direct download: every
 * request validated by the registry (which names the element and field of each problem), run as the
 * caller with the roles and scopes the registry checks. Register it under a prefix.
 *
 * @example
 * ```ts
 * await app.register(exportRoutes, {
 *   prefix: '/api/exports',
 *   registry,
 *   user: (request) => toExportUser(request.user),
 *   em: (request) => orm.em.fork(),
 * });
 * ```
 */
export async function exportRoutes(app: FastifyInstance, options: ExportRoutesOptions): Promise<void> {
  const { registry } = options;
  const routes = sluiceRouteScope(app);
  const previewLimit = options.previewLimit ?? 1_000;
  const tags = ['exports'];
  const body = registry.requestSchema();
  const refused = { 400: errorBody, 401: errorBody, 403: errorBody };

  routes.get(
    '',
    {
      schema: {
        summary: 'Exports, filters, aggregators and formatters you may use, with their parameter JSON Schemas',
        tags,
        response: { 200: z.object({ exports: z.array(offeredExportSchema) }), 401: errorBody },
      },
    },
    async (request) => ({ exports: registry.available(await callerOf(options, request), undefined, request.headers['accept-language']) }),
  );

  routes.post(
    '/check',
    {
      ...documentedOnly,
      schema: {
        summary: 'Validate an export request without running it, and answer it in sentences',
        tags,
        body,
        response: { 200: exportCheckSchema, ...refused },
      },
    },
    async (request) => {
      const prepared = registry.prepare(withReaderLocale(registry, request.body, request), await callerOf(options, request));
      return { description: describeExport(prepared), formatter: prepared.formatter.definition.title };
    },
  );

  routes.post(
    '/preview',
    {
      ...documentedOnly,
      schema: {
        summary: `Run an export request now and answer its rows as JSON (at most ${previewLimit})`,
        tags,
        body,
        response: { 200: jsonResultSchema, ...refused },
      },
    },
    async (request) => {
      const prepared = registry.prepare(withReaderLocale(registry, request.body, request), await callerOf(options, request));
      return preview(await runExport(prepared, options.em(request), { pageSize: previewLimit + 1 }), previewLimit);
    },
  );

  routes.post(
    '/download',
    { ...documentedOnly, schema: { summary: 'Run an export request and stream the formatted file', tags, body, response: { 200: fileResponse, ...refused } } },
    async (request, reply) => {
      const prepared = registry.prepare(withReaderLocale(registry, request.body, request), await callerOf(options, request));
      const formatter = prepared.formatter.definition;
      const stream = new PassThrough();
      const writing = await writeExport(prepared, options.em(request), stream);
      writing.done.catch((error: unknown) => {
        request.log.error({ err: error }, 'export failed while streaming');
        stream.destroy(error as Error);
      });
      return reply
        .header('content-type', formatter.contentType)
        .header('content-disposition', `attachment; filename="${exportFileName(prepared)}"`)
        .send(stream as never); // a stream is sent as is, never serialised
    },
  );
}
