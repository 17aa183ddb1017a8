import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { Sql, TransactionSql } from '@seams/service-kit'
import { UserDeactivatedV1, UserProfileChangedV1, UserRegisteredV1 } from '@shop/users-contracts'

/**
 * Customers as the users service last announced them. Used where slightly stale data is fine: refusing
 * orders from a deactivated account whose access token has not expired yet.
 */
export const customerReplica = defineProjection({
  name: 'customer_replica',
  async createTable(sql, table) {
    await sql`
      create table ${sql(table)} (
        id uuid primary key, email text not null, name text not null, role text not null,
        active boolean not null, version int not null)`
  },
  sources: [
    {
      source: 'users',
      handlers: (table) => [
        on(UserRegisteredV1, async (tx, event) => {
          const { userId, email, name, role } = event.data
          await tx`
            insert into ${tx(table)} (id, email, name, role, active, version)
            values (${userId}, ${email}, ${name}, ${role}, true, ${event.aggregateversion})
            on conflict (id) do nothing`
        }),
        // Only a newer version replaces what the replica holds, so a late redelivery cannot roll it back.
        on(UserProfileChangedV1, async (tx, event) => {
          await tx`
            update ${tx(table)} set email = ${event.data.email}, name = ${event.data.name}, version = ${event.aggregateversion}
            where id = ${event.data.userId} and version < ${event.aggregateversion}`
        }),
        on(UserDeactivatedV1, async (tx, event) => {
          await tx`update ${tx(table)} set active = false, version = ${event.aggregateversion} where id = ${event.data.userId} and version < ${event.aggregateversion}`
        }),
      ],
    },
  ],
})

export async function isCustomerDeactivated(sql: Sql | TransactionSql, customerId: string): Promise<boolean> {
  const [row] = await sql<{ active: boolean }[]>`select active from customer_replica where id = ${customerId}`
  return row?.active === false
}
