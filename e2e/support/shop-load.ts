import { setTimeout as sleep } from 'node:timers/promises'
import type { CallOptions, CallResult, ServiceName, TestShop } from '@shop/launcher'
import type { CustomerPlan, OrderPlan, ScenarioPlan } from './scenario-plan.ts'

export interface Customer {
  id: string
  email: string
}

/** What the customers were told, kept to check against the databases afterwards. */
export interface LoadRecord {
  /** `customerId key` → every order id an answer to that Idempotency-Key named. */
  answers: Map<string, string[]>
  /** Customers whose accounts were deactivated mid-run. */
  deactivated: string[]
  counts: Record<'requests' | 'accepted' | 'refusedDeactivated' | 'unanswered' | 'cancels' | 'cancelRefused', number>
  /** Answers no correct shop gives (a 422 for the same body, a 404 for one's own order, ...). */
  unexpected: string[]
  /** Every attempt at a call, when it ended and whether it was answered below 500: the error rate over time. */
  attempts: { at: number; ok: boolean }[]
  /** Orders acknowledged (202), with their customer: what the readers during the run look at. */
  acknowledged: { orderId: string; customerId: string }[]
  /** Reads that returned something older than what the reader had already seen or written, with what they saw. */
  staleReads: string[]
}

/**
 * Calls a service the way a client with an Idempotency-Key may: a refused connection or a 5xx (the
 * service is restarting) is tried again with the same request until `patienceMs` is used up.
 */
async function persistently(
  record: LoadRecord,
  test: TestShop,
  service: ServiceName,
  method: string,
  path: string,
  options: CallOptions,
  patienceMs = 30_000,
): Promise<CallResult | undefined> {
  const deadline = Date.now() + patienceMs
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await test.call(service, method, path, options)
      record.attempts.push({ at: Date.now(), ok: result.status < 500 })
      if (result.status < 500) return result
    } catch {
      // the process is down or was killed mid-request: exactly what the key is for
      record.attempts.push({ at: Date.now(), ok: false })
    }
    if (Date.now() > deadline) return undefined
    await sleep(Math.min(2000, 100 * 2 ** attempt))
  }
}

/** Runs every customer's script of the plan concurrently against orders (as the gateway would call it). */
export async function runLoad(
  test: TestShop,
  plan: ScenarioPlan,
  customers: readonly Customer[],
  productIds: readonly string[],
  /** Called with the record before the first call, to watch it fill. */
  onStart?: (record: LoadRecord) => void,
): Promise<LoadRecord> {
  const record: LoadRecord = {
    answers: new Map(),
    deactivated: [],
    counts: { requests: 0, accepted: 0, refusedDeactivated: 0, unanswered: 0, cancels: 0, cancelRefused: 0 },
    unexpected: [],
    attempts: [],
    acknowledged: [],
    staleReads: [],
  }
  onStart?.(record)
  await Promise.all(
    plan.customers.map((script, index) => runCustomer(test, record, script, customers[index]!, productIds)),
  )
  return record
}

async function runCustomer(
  test: TestShop,
  record: LoadRecord,
  script: CustomerPlan,
  customer: Customer,
  productIds: readonly string[],
): Promise<void> {
  const user = { id: customer.id, role: 'customer' }
  const placed: (string | undefined)[] = []
  const later: OrderPlan[] = []

  async function place(order: OrderPlan): Promise<string | undefined> {
    record.counts.requests += 1
    const body = {
      items: order.lines.map((line) => ({ productId: productIds[line.product]!, quantity: line.quantity })),
    }
    const result = await persistently(record, test, 'orders', 'POST', '/orders', {
      user,
      body,
      headers: { 'idempotency-key': order.key },
    })
    if (result === undefined) {
      record.counts.unanswered += 1
      return undefined
    }
    if (result.status === 202) {
      record.counts.accepted += 1
      const key = `${customer.id} ${order.key}`
      const orderId = result.body.orderId as string
      const first = !record.answers.has(key)
      record.answers.set(key, [...(record.answers.get(key) ?? []), orderId])
      if (first) record.acknowledged.push({ orderId, customerId: customer.id })
      await readOwnWrite(orderId)
      return orderId
    }
    // Refused only once the account is gone; orders' replica may lag it by moments.
    if (result.status === 403 && record.deactivated.includes(customer.id)) record.counts.refusedDeactivated += 1
    else
      record.unexpected.push(
        `POST /orders (${customer.email}, key ${order.key}) answered ${result.status}: ${JSON.stringify(result.body)}`,
      )
    return undefined
  }

  // Read-your-writes at the owner: an order orders acknowledged is there when its customer asks at once.
  async function readOwnWrite(orderId: string): Promise<void> {
    const read = await persistently(record, test, 'orders', 'GET', `/orders/${orderId}`, { user }, 10_000)
    if (read?.status === 404) record.staleReads.push(`orders: GET /orders/${orderId} right after its 202 answered 404`)
  }

  async function cancel(orderId: string): Promise<void> {
    record.counts.cancels += 1
    const result = await persistently(record, test, 'orders', 'POST', `/orders/${orderId}/cancel`, { user })
    if (result === undefined) record.counts.unanswered += 1
    else if (result.status === 409)
      record.counts.cancelRefused += 1 // it was rejected first: nothing to give back
    else if (result.status !== 202)
      record.unexpected.push(`POST /orders/${orderId}/cancel answered ${result.status}: ${JSON.stringify(result.body)}`)
  }

  async function deactivate(): Promise<void> {
    record.deactivated.push(customer.id) // from now on a 403 is a right answer
    const result = await persistently(record, test, 'users', 'POST', `/users/${customer.id}/deactivate`, { user })
    if (result?.status !== 200)
      record.unexpected.push(`deactivating ${customer.email} answered ${result?.status ?? 'nothing'}`)
  }

  async function step(n: number, order: OrderPlan): Promise<void> {
    const answers =
      order.repeat === 'concurrent' ? await Promise.all([place(order), place(order)]) : [await place(order)]
    placed[n] = answers.find((answer) => answer !== undefined)
    if (order.repeat === 'later') later.push(order)
    if (order.cancel === undefined) return
    await sleep(order.cancel.afterMs)
    const target = placed[order.cancel.order]
    if (target !== undefined) await cancel(target)
  }

  for (const [n, order] of script.orders.entries()) {
    await sleep(order.thinkMs)
    await step(n, order)
    const deactivation = script.deactivation
    if (deactivation?.after !== n) continue
    // The account closes while the rest of the customer's orders race it, a few milliseconds apart.
    const rest = script.orders.slice(n + 1)
    await Promise.all([
      deactivate(),
      ...rest.map((next, i) => sleep(i * deactivation.gapMs).then(() => step(n + 1 + i, next))),
    ])
    break
  }
  // A client that lost its answers retries long after: the key must still name the same order.
  for (const order of later) await place(order)
}
