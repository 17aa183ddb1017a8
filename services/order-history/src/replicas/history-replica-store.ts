import type { Sql, TransactionSql } from '@seams/service-kit'

/** The order-history view's tables: entries, and the names joined into them when read. */
export const historyTables = {
  orders: 'order_history',
  customers: 'history_customers',
  products: 'history_products',
} as const

// `table` is the live table or, during a rebuild, its shadow (see @seams/projector).

export async function createHistoryProductsTable(sql: Sql | TransactionSql, table: string): Promise<void> {
  await sql`
    create table ${sql(table)} (id uuid primary key, sku text not null, name text not null, version int not null)`
}

export interface ProductState {
  productId: string
  sku: string
  name: string
}

// Both events carry the product's whole state. Stock changes also advance the product's version but
// are not consumed: the gate below only needs versions to grow, not to be consecutive.
export async function upsertProduct(
  tx: TransactionSql,
  table: string,
  product: ProductState,
  version: number,
): Promise<void> {
  await tx`
    insert into ${tx(table)} (id, sku, name, version)
    values (${product.productId}, ${product.sku}, ${product.name}, ${version})
    on conflict (id) do update set sku = excluded.sku, name = excluded.name, version = excluded.version
    where ${tx(table)}.version < excluded.version`
}

export async function createHistoryCustomersTable(sql: Sql | TransactionSql, table: string): Promise<void> {
  await sql`
    create table ${sql(table)} (id uuid primary key, name text not null, email text not null, version int not null)`
}

export interface CustomerState {
  userId: string
  name: string
  email: string
}

// Both events carry the whole public profile, so either one can create the row or replace it; only a
// newer aggregate version wins, so a late redelivery cannot roll a name back.
export async function upsertCustomer(
  tx: TransactionSql,
  table: string,
  customer: CustomerState,
  version: number,
): Promise<void> {
  await tx`
    insert into ${tx(table)} (id, name, email, version)
    values (${customer.userId}, ${customer.name}, ${customer.email}, ${version})
    on conflict (id) do update set name = excluded.name, email = excluded.email, version = excluded.version
    where ${tx(table)}.version < excluded.version`
}
