import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { Sql, TransactionSql } from '@seams/service-kit'
import { ProductAddedV1, ProductChangedV1, StockChangedV1 } from '@shop/catalog-contracts'

/**
 * Products as the catalog last announced them: names for order views, and stock for a cheap early
 * answer. The catalog's reservation stays the only authority on stock and price.
 */
export const productReplica = defineProjection({
  name: 'product_replica',
  async createTable(sql, table) {
    await sql`
      create table ${sql(table)} (
        id uuid primary key, sku text not null, name text not null, price_cents bigint not null,
        currency char(3) not null, stock_on_hand int not null, version int not null)`
  },
  sources: [
    {
      source: 'catalog',
      handlers: (table) => [
        on(ProductAddedV1, async (tx, event) => {
          const { productId, sku, name, priceCents, currency, stockOnHand } = event.data
          await tx`
            insert into ${tx(table)} (id, sku, name, price_cents, currency, stock_on_hand, version)
            values (${productId}, ${sku}, ${name}, ${priceCents}, ${currency}, ${stockOnHand}, ${event.aggregateversion})
            on conflict (id) do nothing`
        }),
        on(ProductChangedV1, async (tx, event) => {
          const { productId, sku, name, priceCents, currency } = event.data
          await tx`
            update ${tx(table)} set sku = ${sku}, name = ${name}, price_cents = ${priceCents}, currency = ${currency}, version = ${event.aggregateversion}
            where id = ${productId} and version < ${event.aggregateversion}`
        }),
        on(StockChangedV1, async (tx, event) => {
          await tx`
            update ${tx(table)} set stock_on_hand = ${event.data.stockOnHand}, version = ${event.aggregateversion}
            where id = ${event.data.productId} and version < ${event.aggregateversion}`
        }),
      ],
    },
  ],
})

export async function productNames(
  sql: Sql | TransactionSql,
  productIds: readonly string[],
): Promise<Map<string, string>> {
  if (productIds.length === 0) return new Map()
  const rows = await sql<
    { id: string; name: string }[]
  >`select id, name from product_replica where id = any(${[...new Set(productIds)]}::uuid[])`
  return new Map(rows.map((row) => [row.id, row.name]))
}
