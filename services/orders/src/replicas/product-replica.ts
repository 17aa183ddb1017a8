import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import { ProductAddedV1, ProductChangedV1 } from '@shop/catalog-contracts'
import { changeProduct, createProductReplicaTable, insertProduct } from './product-replica-store.ts'

/**
 * Products as the catalog last announced them: names for order views. Stock is not kept: the catalog's
 * reservation is the only authority on it, and following every stock move cost a write per reservation that
 * nothing here read.
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
      ],
    },
  ],
})
