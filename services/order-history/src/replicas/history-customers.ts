import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { TransactionSql } from '@seams/service-kit'
import { UserProfileChangedV1, UserRegisteredV1 } from '@shop/users-contracts'

interface CustomerState {
  userId: string
  name: string
  email: string
}

// Both events carry the whole public profile, so either one can create the row or replace it; only a
// newer aggregate version wins, so a late redelivery cannot roll a name back.
async function upsertCustomer(
  tx: TransactionSql,
  table: string,
  customer: CustomerState,
  version: number,
): Promise<void> {
  await tx`
    insert into ${tx(table)} (id, name, email, version) values (${customer.userId}, ${customer.name}, ${customer.email}, ${version})
    on conflict (id) do update set name = excluded.name, email = excluded.email, version = excluded.version
    where ${tx(table)}.version < excluded.version`
}

/** Customers' names as the users service last announced them, joined into history entries when read. */
export const historyCustomers = defineProjection({
  name: 'history_customers',
  async createTable(sql, table) {
    await sql`create table ${sql(table)} (id uuid primary key, name text not null, email text not null, version int not null)`
  },
  sources: [
    {
      source: 'users',
      handlers: (table) => [
        on(UserRegisteredV1, (tx, event) => upsertCustomer(tx, table, event.data, event.aggregateversion)),
        on(UserProfileChangedV1, (tx, event) => upsertCustomer(tx, table, event.data, event.aggregateversion)),
      ],
    },
  ],
})
