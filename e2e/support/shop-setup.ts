import { setTimeout as sleep } from 'node:timers/promises'
import { newId } from '@seams/core'
import type { TestShop } from '@shop/launcher'
import type { ScenarioPlan } from './scenario-plan.ts'
import type { ShopDatabases } from './shop-databases.ts'
import type { Customer } from './shop-load.ts'

export interface ShopFixture {
  productIds: string[]
  initialStock: Map<string, number>
  customers: Customer[]
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = []
  for (let start = 0; start < items.length; start += size) {
    results.push(
      ...(await Promise.all(items.slice(start, start + size).map((item, offset) => work(item, start + offset)))),
    )
  }
  return results
}

/**
 * The plan's scarce products (added by an admin) and its customers (registered through users, as a
 * visitor would), then a wait until orders' customer replica has them all: the deactivation check
 * and the choreographed cancellation read that replica.
 */
export async function setUpShop(test: TestShop, dbs: ShopDatabases, plan: ScenarioPlan): Promise<ShopFixture> {
  const admin = { id: newId(), role: 'admin' }
  const products = await inBatches(plan.products, 4, async (product, index) => {
    const body = {
      sku: `INV-${plan.seed}-${index}`,
      name: product.name,
      priceCents: product.priceCents,
      currency: 'EUR',
      stockOnHand: product.stock,
    }
    const created = await test.call('catalog', 'POST', '/products', { user: admin, body })
    if (created.status !== 201)
      throw new Error(`adding ${product.name} answered ${created.status}: ${JSON.stringify(created.body)}`)
    return { id: created.body.id as string, stock: product.stock }
  })
  // scrypt makes each registration cost tens of milliseconds of CPU: a few at a time on two cores.
  const customers = await inBatches(plan.customers, 4, async (_script, index) => {
    const email = `customer-${index}-${plan.seed}@example.com`
    const registered = await test.call('users', 'POST', '/users', {
      body: { email, name: `Customer ${index}`, password: 'a-long-password' },
    })
    if (registered.status !== 201)
      throw new Error(`registering ${email} answered ${registered.status}: ${JSON.stringify(registered.body)}`)
    return { id: registered.body.id as string, email }
  })
  const deadline = Date.now() + 30_000
  for (;;) {
    const [row] = await dbs.db.orders<{ n: number }[]>`
      select count(*)::int as n from customer_replica
      where id = any(${customers.map((customer) => customer.id)}::uuid[])`
    if (row!.n === customers.length) break
    if (Date.now() > deadline)
      throw new Error(`orders' customer replica knows ${row!.n} of ${customers.length} customers after 30 s`)
    await sleep(100)
  }
  return {
    productIds: products.map((product) => product.id),
    initialStock: new Map(products.map((product) => [product.id, product.stock])),
    customers,
  }
}
