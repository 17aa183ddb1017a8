import { setTimeout as sleep } from 'node:timers/promises'
import { newId } from '@seams/core'
import { ensureProjectionTable } from '@seams/projector'
import { createDatabase, type Sql } from '@seams/service-kit'
import { createTestDatabase, type TestDatabase } from '@seams/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerReplica } from './customer-replica.ts'
import { isCustomerDeactivated, markCustomerDeactivated } from './customer-replica-store.ts'

// The race fault seed 1199069011 found: an order placed while the deactivation consumer holds the
// customer's lock must see the account closed once the lock is granted.
describe('customer replica: placing an order against a deactivation', () => {
  let db: TestDatabase
  let sql: Sql

  beforeAll(async () => {
    db = await createTestDatabase('orders')
    sql = createDatabase(db.url, { applicationName: 'customer-replica-spec', max: 4 })
    await ensureProjectionTable(sql, customerReplica)
  })

  afterAll(async () => {
    await sql?.end()
    await db?.drop()
  })

  async function waitUntilSomeoneWaitsForALock(): Promise<void> {
    for (let tries = 0; tries < 200; tries += 1) {
      const [row] = await sql<
        { waiting: number }[]
      >`select count(*)::int as waiting from pg_locks where not granted and locktype = 'advisory'`
      if (row!.waiting > 0) return
      await sleep(10)
    }
    throw new Error('the order never waited for the deactivation lock')
  }

  for (const known of [true, false]) {
    it(`refuses an order behind a deactivation's lock (customer ${known ? 'in' : 'not yet in'} replica)`, async () => {
      const customerId = newId()
      if (known)
        await sql`
          insert into customer_replica (id, email, name, role, active, version)
          values (${customerId}, 'a@example.com', 'A', 'customer', true, 1)`
      let releaseDeactivation!: () => void
      const deactivationHolds = new Promise<void>((resolve) => (releaseDeactivation = resolve))
      let deactivationLocked!: () => void
      const locked = new Promise<void>((resolve) => (deactivationLocked = resolve))
      const deactivation = sql.begin(async (tx) => {
        await markCustomerDeactivated(tx, customerId)
        deactivationLocked()
        await deactivationHolds
      })
      await locked
      const placing = sql.begin((tx) => isCustomerDeactivated(tx, customerId))
      await waitUntilSomeoneWaitsForALock()
      releaseDeactivation()
      await deactivation
      expect(await placing).toBe(true)
    })
  }

  it('lets an active customer order, and an order that got the lock first is seen by the deactivation', async () => {
    const customerId = newId()
    await sql`
      insert into customer_replica (id, email, name, role, active, version)
      values (${customerId}, 'b@example.com', 'B', 'customer', true, 1)`
    expect(await sql.begin((tx) => isCustomerDeactivated(tx, customerId))).toBe(false)
    await sql.begin((tx) => markCustomerDeactivated(tx, customerId))
    expect(await sql.begin((tx) => isCustomerDeactivated(tx, customerId))).toBe(true)
  })
})
