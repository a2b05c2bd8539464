import { z } from 'zod';

/** The largest value of a 32-bit integer column. */
export const int32Max = 2_147_483_647;

/** A positive integer id taken from a path segment: digits only (no `0x2`, `1e1`, ` 2` or `2.0`). */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive whole number written in digits')
  .transform(Number)
  .pipe(z.number().max(int32Max, `must be at most ${int32Max}`));

/** `{"error":{...}}`, documented on every route for OpenAPI readers. */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

/** A file answered as bytes (downloads), for the OpenAPI document; the route streams it. */
export const fileResponse = {
  description: 'The file, with its content type, length and file name (Content-Disposition)',
  content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
};

/** A server-sent event stream, for the OpenAPI document. */
export function eventStreamResponse(description: string) {
  return { description, content: { 'text/event-stream': { schema: z.string() } } };
}

/**
 * For bodies a library validates itself with its own error codes (export requests: the registry names
 * the element and field of every problem): the schema documents the body in OpenAPI, the route does not
 * validate it a second time.
 */
export const documentedOnly = { validatorCompiler: () => (data: unknown) => ({ value: data }) };

/**
 * For large answers the server builds itself (never user input): serialised as they are instead of
 * being parsed by their zod schema again (which took ~40% of a sync pull's time). The schema still
 * documents them in OpenAPI.
 */
export const plainJson = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

/** `Content-Disposition` for a generated name: plain ASCII, plus the RFC 5987 form. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\w.-]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
