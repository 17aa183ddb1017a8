import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import { UserProfileChangedV1, UserRegisteredV1 } from '@shop/users-contracts'
import { createHistoryCustomersTable, historyTables, upsertCustomer } from './history-replica-store.ts'

/** Customers' names as the users service last announced them, joined into history entries when read. */
export const historyCustomers = defineProjection({
  name: historyTables.customers,
  createTable: createHistoryCustomersTable,
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
