import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { TransactionSql } from '@seams/service-kit'
import { ProductAddedV1, ProductChangedV1 } from '@shop/catalog-contracts'

interface ProductState {
  productId: string
  sku: string
  name: string
}

// Both events carry the product's whole state. Stock changes also advance the product's version but
// are not consumed: the gate below only needs versions to grow, not to be consecutive.
async function upsertProduct(tx: TransactionSql, table: string, product: ProductState, version: number): Promise<void> {
  await tx`
    insert into ${tx(table)} (id, sku, name, version) values (${product.productId}, ${product.sku}, ${product.name}, ${version})
    on conflict (id) do update set sku = excluded.sku, name = excluded.name, version = excluded.version
    where ${tx(table)}.version < excluded.version`
}

/**
 * Products' names as the catalog last announced them. Entries keep only product ids and names are
 * joined when read, so a rename shows in every past order at once without rewriting any of them.
 */
export const historyProducts = defineProjection({
  name: 'history_products',
  async createTable(sql, table) {
    await sql`create table ${sql(table)} (id uuid primary key, sku text not null, name text not null, version int not null)`
  },
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
