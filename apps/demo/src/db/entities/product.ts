import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Something that can be ordered; `price` is in cents. */
export const Product = defineEntity({
  name: 'Product',
  tableName: 'product',
  properties: {
    id: p.integer().primary(),
    name: p.string().length(100),
    price: p.integer(),
  },
});
export type Product = InferEntity<typeof Product>;
