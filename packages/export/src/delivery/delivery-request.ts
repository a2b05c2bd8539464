import { z } from 'zod';

/** At most this many deliveries per task: enough to notify a team, too few to turn tasks into a mailer. */
export const maxDeliveriesPerTask = 5;

/** An e-mail when the task's file is ready: to `to` (default: the caller's own address), with the file attached if asked and small enough. */
export const emailDeliverySchema = z
  .strictObject({
    kind: z.literal('email'),
    to: z.email().max(254).optional().meta({ description: "Default: the caller's own address." }),
    attach: z.boolean().optional().meta({ description: 'Attach the file when it is under the size limit (otherwise the mail links to it).' }),
  })
  .meta({ title: 'E-mail delivery' });

/** A signed JSON POST to `url` (an origin on the application's allow-list) when the task's file is ready. */
export const webhookDeliverySchema = z
  .strictObject({
    kind: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).max(2000),
  })
  .meta({ title: 'Webhook delivery' });

/**
 * How a finished task is delivered, as a task request names it: the one definition of the shape, from
 * which the service's type, the API's OpenAPI and the UI's types come.
 *
 * @example
 * deliveriesSchema.parse([{ kind: 'email', attach: true }, { kind: 'webhook', url: 'https://hooks.example.com/sluice' }]);
 */
export const deliveryRequestSchema = z.discriminatedUnion('kind', [emailDeliverySchema, webhookDeliverySchema]);
export type DeliveryRequest = z.infer<typeof deliveryRequestSchema>;

/** The `deliveries` of a task request. */
export const deliveriesSchema = z.array(deliveryRequestSchema).max(maxDeliveriesPerTask);
