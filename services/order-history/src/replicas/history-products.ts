import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import { ProductAddedV1, ProductChangedV1 } from '@shop/catalog-contracts'
import { createHistoryProductsTable, historyTables, upsertProduct } from './history-replica-store.ts'

/**
 * Products' names as the catalog last announced them. Entries keep only product ids and names are
 * joined when read, so a rename shows in every past order at once without rewriting any of them.
 */
export const historyProducts = defineProjection({
  name: historyTables.products,
  createTable: createHistoryProductsTable,
  sources: [
    {
      source: 'catalog',
      handlers: (table) => [
        on(ProductAddedV1, (tx, event) => upsertProduct(tx, table, event.data, event.aggregateversion)),
        on(ProductChangedV1, (tx, event) => upsertProduct(tx, table, event.data, event.aggregateversion)),
      ],
    },
  ],
})
