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
  id, sku, name, description, price_cents as "priceCents", currency, stock_on_hand as "stockOnHand", version,
  updated_at as "updatedAt"`

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

/** Products in SKU order after `afterSku`, at most `limit`. */
export async function listProducts(sql: Queryable, page: { afterSku?: string; limit: number }): Promise<Product[]> {
  const rows = await sql<ProductRow[]>`
    select ${productColumns(sql)} from products
    ${page.afterSku === undefined ? sql`` : sql`where sku > ${page.afterSku}`}
    order by sku limit ${page.limit}`
  return rows.map(toProduct)
}

/** Adds a product; a taken SKU fails with PostgreSQL's unique violation (23505). */
export async function insertProduct(
  tx: TransactionSql,
  product: Omit<Product, 'version' | 'updatedAt'>,
): Promise<Product> {
  const { id, sku, name, description, priceCents, currency, stockOnHand } = product
  const [row] = await tx<ProductRow[]>`
    insert into products (id, sku, name, description, price_cents, currency, stock_on_hand)
    values (${id}, ${sku}, ${name}, ${description}, ${priceCents}, ${currency}, ${stockOnHand})
    returning ${productColumns(tx)}`
  return toProduct(row!)
}

/** Changes what is given and leaves the rest; undefined when there is no such product. */
export async function changeProduct(
  tx: TransactionSql,
  id: string,
  change: { name?: string; description?: string; priceCents?: number; currency?: string },
): Promise<Product | undefined> {
  const [row] = await tx<ProductRow[]>`
    update products set
      name = coalesce(${change.name ?? null}, name),
      description = coalesce(${change.description ?? null}, description),
      price_cents = coalesce(${change.priceCents ?? null}::bigint, price_cents),
      currency = coalesce(${change.currency ?? null}, currency),
      version = version + 1, updated_at = now()
    where id = ${id}
    returning ${productColumns(tx)}`
  return row === undefined ? undefined : toProduct(row)
}

/** Who changed a product's stock by hand, by how much and why. */
export async function recordStockAdjustment(
  tx: TransactionSql,
  adjustment: { productId: string; delta: number; reason: string; adjustedBy: string },
): Promise<void> {
  const { productId, delta, reason, adjustedBy } = adjustment
  await tx`
    insert into stock_adjustments (product_id, delta, reason, adjusted_by)
    values (${productId}, ${delta}, ${reason}, ${adjustedBy})`
}
