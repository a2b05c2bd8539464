import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { registerSluiceErrors } from './error-handling.ts';

/**
 * Makes a route plugin's own scope self-sufficient in any Fastify app: zod schemas validate and
 * serialise its routes, and its errors answer in sluice's shape, whatever the host app set up.
 */
export function sluiceRouteScope(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerSluiceErrors(app);
  return app.withTypeProvider<ZodTypeProvider>();
}
