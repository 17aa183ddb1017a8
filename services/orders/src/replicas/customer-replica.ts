import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import { UserDeactivatedV1, UserProfileChangedV1, UserRegisteredV1 } from '@shop/users-contracts'
import {
  changeCustomerProfile,
  createCustomerReplicaTable,
  deactivateCustomer,
  upsertCustomer,
} from './customer-replica-store.ts'

/**
 * Customers as the users service last announced them. Used where slightly stale data is fine: refusing
 * orders from a deactivated account whose access token has not expired yet.
 */
export const customerReplica = defineProjection({
  name: 'customer_replica',
  createTable: createCustomerReplicaTable,
  sources: [
    {
      source: 'users',
      handlers: (table) => [
        on(UserRegisteredV1, (tx, event) => upsertCustomer(tx, table, event.data, event.aggregateversion)),
        on(UserProfileChangedV1, (tx, event) => changeCustomerProfile(tx, table, event.data, event.aggregateversion)),
        on(UserDeactivatedV1, (tx, event) => deactivateCustomer(tx, table, event.data.userId, event.aggregateversion)),
      ],
    },
  ],
})
