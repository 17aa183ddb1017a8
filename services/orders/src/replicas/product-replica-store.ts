import type { Sql, TransactionSql } from '@seams/service-kit'

// `table` is the replica's live table or, during a rebuild, its shadow (see @seams/projector).

export async function createProductReplicaTable(sql: Sql | TransactionSql, table: string): Promise<void> {
  await sql`
    create table ${sql(table)} (
      id uuid primary key, sku text not null, name text not null, price_cents bigint not null,
      currency char(3) not null, version int not null)`
}

export async function insertProduct(
  tx: TransactionSql,
  table: string,
  product: { productId: string; sku: string; name: string; priceCents: number; currency: string },
  version: number,
): Promise<void> {
  const { productId, sku, name, priceCents, currency } = product
  await tx`
    insert into ${tx(table)} (id, sku, name, price_cents, currency, version)
    values (${productId}, ${sku}, ${name}, ${priceCents}, ${currency}, ${version})
    on conflict (id) do nothing`
}

// Only a newer version replaces what the replica holds, so a late redelivery cannot roll it back.

export async function changeProduct(
  tx: TransactionSql,
  table: string,
  product: { productId: string; sku: string; name: string; priceCents: number; currency: string },
  version: number,
): Promise<void> {
  const { productId, sku, name, priceCents, currency } = product
  await tx`
    update ${tx(table)}
    set sku = ${sku}, name = ${name}, price_cents = ${priceCents}, currency = ${currency}, version = ${version}
    where id = ${productId} and version < ${version}`
}

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
