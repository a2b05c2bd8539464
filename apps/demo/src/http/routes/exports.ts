import { PassThrough } from 'node:stream';
import { describeExport, type ExportResult, exportFileName, exportRequestSchema, type ListResult, runExport, tabularJson, writeExport } from '@sluice/export';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { demoExportRegistry } from '../../exports/demo-exports.ts';
import { exportUser } from '../../exports/export-user.ts';
import { documentedOnly, errorBody, fileResponse } from '../schemas.ts';

/** Rows a preview returns at most. */
export const previewLimit = 1_000;

async function previewRows(result: ListResult, limit: number): Promise<{ rows: unknown[][]; truncated: boolean }> {
  const rows: unknown[][] = [];
  for await (const row of result.rows) {
    if (rows.length === limit) return { rows, truncated: true };
    rows.push(row);
  }
  return { rows, truncated: false };
}

function preview(result: ExportResult) {
  if (result.kind === 'tabular') return tabularJson(result, previewLimit);
  return previewRows(result, previewLimit).then(({ rows, truncated }) => ({
    columns: result.columns,
    rows: rows.map((row) => row.map((value) => ({ value, label: null }))),
    description: result.description,
    truncated,
  }));
}

const cell = z.object({ value: z.unknown(), label: z.string().nullable() });
const previewDto = z.object({
  columns: z.array(z.object({ key: z.string(), label: z.string(), type: z.enum(['text', 'integer', 'decimal', 'date', 'datetime', 'boolean']).optional() })),
  rows: z.array(z.array(cell)),
  description: z.array(z.string()),
  truncated: z.boolean(),
});

/** `/api/exports`: what the caller may export, previews, and direct downloads of small exports. */
export async function exportRoutes(app: FastifyInstance): Promise<void> {
  const registry = demoExportRegistry();
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['exports'];
  const body = exportRequestSchema;

  routes.get(
    '/api/exports',
    {
      schema: {
        summary: 'Exports, filters, aggregators and formatters you may use, with their parameter JSON Schemas',
        tags,
        response: { 200: z.object({ exports: z.array(z.unknown()) }) },
      },
    },
    async (request) => ({
      exports: registry.available(exportUser(request.user)),
    }),
  );

  routes.post(
    '/api/exports/check',
    {
      schema: {
        summary: 'Validate an export request without running it, and answer it in sentences',
        tags,
        body,
        response: { 200: z.object({ description: z.array(z.string()), formatter: z.string() }), 400: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const prepared = registry.prepare(request.body, exportUser(request.user));
      return { description: describeExport(prepared), formatter: prepared.formatter.definition.title };
    },
  );

  routes.post(
    '/api/exports/preview',
    {
      ...documentedOnly,
      schema: {
        summary: 'Run an export request now and answer its rows as JSON (at most 1,000)',
        tags,
        body,
        response: { 200: previewDto, 400: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const prepared = registry.prepare(request.body, exportUser(request.user));
      return preview(await runExport(prepared, request.em, { pageSize: previewLimit + 1 }));
    },
  );

  routes.post(
    '/api/exports/download',
    {
      ...documentedOnly,
      schema: { summary: 'Run an export request and stream the formatted file', tags, body, response: { 200: fileResponse, 400: errorBody, 403: errorBody } },
    },
    async (request, reply) => {
      const prepared = registry.prepare(request.body, exportUser(request.user));
      const formatter = prepared.formatter.definition;
      const stream = new PassThrough();
      const writing = await writeExport(prepared, request.em, stream);
      writing.done.catch((error: unknown) => {
        request.log.error({ err: error }, 'export failed while streaming');
        stream.destroy(error as Error);
      });
      return reply
        .header('content-type', formatter.contentType)
        .header('content-disposition', `attachment; filename="${exportFileName(prepared.export.definition.alias, formatter.extension)}"`)
        .send(stream as never); // a stream is sent as is, never serialised
    },
  );
}
