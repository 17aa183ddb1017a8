import type { Product } from '@shop/catalog-contracts'
import type { Sql, TransactionSql } from '@seams/service-kit'

type Queryable = Sql | TransactionSql

interface ProductRow {
  id: string
  sku: string
  name: string
  description: string
  priceCents: number
  currency: string
  stockOnHand: number
  version: number
  updatedAt: Date
}

export const productColumns = (sql: Queryable) => sql`
  id, sku, name, description, price_cents as "priceCents", currency, stock_on_hand as "stockOnHand", version, updated_at as "updatedAt"`

export function toProduct(row: ProductRow): Product {
  return { ...row, updatedAt: row.updatedAt.toISOString() }
}

export async function findProduct(sql: Queryable, id: string): Promise<Product | undefined> {
  const [row] = await sql<ProductRow[]>`select ${productColumns(sql)} from products where id = ${id}`
  return row === undefined ? undefined : toProduct(row)
}

/** Locks the products in id order, so that concurrent multi-product transactions cannot deadlock. */
export async function lockProducts(tx: TransactionSql, ids: readonly string[]): Promise<Product[]> {
  const rows = await tx<ProductRow[]>`
    select ${productColumns(tx)} from products where id = any(${ids as string[]}::uuid[]) order by id for update`
  return rows.map(toProduct)
}

/** Applies stock deltas to locked products; returns them after the change. */
export async function changeStock(tx: TransactionSql, deltas: ReadonlyMap<string, number>): Promise<Product[]> {
  const ids = [...deltas.keys()]
  const rows = await tx<ProductRow[]>`
    update products p set stock_on_hand = p.stock_on_hand + d.delta, version = p.version + 1, updated_at = now()
    from unnest(${ids}::uuid[], ${ids.map((id) => deltas.get(id)!)}::int[]) as d(product_id, delta)
    where p.id = d.product_id
    returning ${productColumns(tx)}`
  return rows.map(toProduct)
}
