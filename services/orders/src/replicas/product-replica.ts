import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import { ProductAddedV1, ProductChangedV1, StockChangedV1 } from '@shop/catalog-contracts'
import { changeProduct, changeProductStock, createProductReplicaTable, insertProduct } from './product-replica-store.ts'

/**
 * Products as the catalog last announced them: names for order views, and stock for a cheap early
 * answer. The catalog's reservation stays the only authority on stock and price.
 */
export const productReplica = defineProjection({
  name: 'product_replica',
  createTable: createProductReplicaTable,
  sources: [
    {
      source: 'catalog',
      handlers: (table) => [
        on(ProductAddedV1, (tx, event) => insertProduct(tx, table, event.data, event.aggregateversion)),
        on(ProductChangedV1, (tx, event) => changeProduct(tx, table, event.data, event.aggregateversion)),
        on(StockChangedV1, (tx, event) => changeProductStock(tx, table, event.data, event.aggregateversion)),
      ],
    },
  ],
})
