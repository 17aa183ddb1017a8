import type { LoadRecord } from './shop-load.ts'
import { quantities, type ShopState } from './shop-state.ts'

export interface Expectations {
  /** Stock each product was created with, by product id. */
  initialStock: ReadonlyMap<string, number>
  load: LoadRecord
  /** Distinct Idempotency-Keys the plan sent. */
  keysSent: number
}

const holdsMoney = (status: string) => status === 'authorized' || status === 'captured'
const finalStatuses = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED'])

/**
 * The cross-service invariants of FR3, each checked against the owners' own data after the shop has
 * settled. Returns one line per violation, empty when the run was consistent.
 */
export function checkInvariants(state: ShopState, expected: Expectations): string[] {
  const violations: string[] = []
  const fail = (rule: string, detail: string) => violations.push(`[${rule}] ${detail}`)

  // catalog: stock is conserved; what is missing from the shelf is exactly what is held for orders.
  const held = new Map<string, number>()
  for (const reservation of state.reservations.values()) {
    if (reservation.status !== 'reserved') continue
    for (const line of reservation.items) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity)
  }
  for (const product of state.products) {
    const initial = expected.initialStock.get(product.id)
    if (product.stockOnHand < 0) fail('catalog.no-negative-stock', `product ${product.id} has ${product.stockOnHand}`)
    if (initial === undefined) continue
    const reserved = held.get(product.id) ?? 0
    if (initial !== product.stockOnHand + reserved)
      fail(
        'catalog.stock-conserved',
        `product ${product.id}: initial ${initial} ≠ on hand ${product.stockOnHand} + reserved ${reserved}`,
      )
  }

  // orders: every order reached an end, and what it holds elsewhere matches that end.
  if (state.openSagas > 0) fail('orders.sagas-finished', `${state.openSagas} sagas still running or compensating`)
  const orderIds = new Set(state.orders.map((order) => order.id))
  for (const order of state.orders) {
    const payments = state.payments.get(order.id) ?? []
    const reservation = state.reservations.get(order.id)
    if (!finalStatuses.has(order.status)) fail('orders.final-status', `order ${order.id} is ${order.status}`)
    if (order.status === 'CONFIRMED') {
      if (order.cancelPending)
        fail('orders.no-cancellation-in-flight', `order ${order.id} is CONFIRMED with a cancellation still requested`)
      const [payment] = payments
      if (payments.length !== 1 || payment === undefined)
        fail('confirmed.one-payment', `order ${order.id} has ${payments.length} payments`)
      else {
        if (!holdsMoney(payment.status))
          fail('confirmed.payment-held', `order ${order.id}: payment ${payment.id} is ${payment.status}`)
        if (payment.amountCents !== order.totalCents)
          fail(
            'confirmed.payment-amount',
            `order ${order.id}: total ${order.totalCents} ≠ payment ${payment.amountCents}`,
          )
        if (payment.id !== order.paymentId)
          fail(
            'confirmed.payment-id',
            `order ${order.id} names payment ${order.paymentId}, payments holds ${payment.id}`,
          )
      }
      if (reservation?.status !== 'reserved')
        fail('confirmed.stock-reserved', `order ${order.id}: reservation is ${reservation?.status ?? 'missing'}`)
      else if (quantities(reservation.items) !== quantities(order.items)) {
        fail(
          'confirmed.reserved-quantities',
          `order ${order.id}: ordered ${quantities(order.items)}, reserved ${quantities(reservation.items)}`,
        )
      }
    } else if (order.status === 'REJECTED' || order.status === 'CANCELLED') {
      if (reservation?.status === 'reserved')
        fail('ended.no-stock-held', `${order.status} order ${order.id} still holds its reservation`)
      for (const payment of payments.filter((candidate) => holdsMoney(candidate.status)))
        fail('ended.no-money-held', `${order.status} order ${order.id}: payment ${payment.id} is ${payment.status}`)
    }
    // Choreography: a deactivated account keeps no open order, whichever of the two consumers ran first.
    if (state.deactivatedUsers.has(order.customerId) && order.status === 'CONFIRMED')
      fail('deactivated.no-open-orders', `order ${order.id} of a deactivated customer is CONFIRMED`)
    const entry = state.history.get(order.id)
    const payment = payments[0]
    // pending is never announced
    const paymentStatus = payment === undefined || payment.status === 'pending' ? null : payment.status
    if (entry === undefined) fail('history.has-every-order', `order ${order.id} is missing from order-history`)
    else if (entry.status !== order.status)
      fail('history.order-status', `order ${order.id} is ${order.status}, order-history says ${entry.status}`)
    else if (entry.paymentStatus !== paymentStatus)
      fail(
        'history.payment-status',
        `order ${order.id}: payment is ${paymentStatus}, order-history says ${entry.paymentStatus}`,
      )
  }
  for (const orderId of state.payments.keys())
    if (!orderIds.has(orderId)) fail('payments.no-orphans', `payment for unknown order ${orderId}`)
  for (const id of state.reservations.keys())
    if (!orderIds.has(id)) fail('catalog.no-orphans', `reservation for unknown order ${id}`)
  for (const id of state.history.keys())
    if (!orderIds.has(id)) fail('history.no-orphans', `order-history has unknown order ${id}`)

  for (const letter of state.deadLetters)
    fail('no-dead-letters', `${letter.owner} ${letter.consumer} ${letter.type}: ${letter.error}`)

  checkIdempotency(state, expected, fail)
  for (const answer of expected.load.unexpected) fail('load.expected-answers', answer)
  return violations
}

/** Repeated Idempotency-Keys made no extra orders and always named the same order. */
function checkIdempotency(
  state: ShopState,
  expected: Expectations,
  fail: (rule: string, detail: string) => void,
): void {
  const requestsByOrder = new Map<string, number>()
  for (const request of state.orderRequests)
    requestsByOrder.set(request.orderId, (requestsByOrder.get(request.orderId) ?? 0) + 1)
  for (const order of state.orders) {
    if (requestsByOrder.get(order.id) !== 1)
      fail('idempotency.one-key-per-order', `order ${order.id} has ${requestsByOrder.get(order.id) ?? 0} keys`)
  }
  const orderIds = new Set(state.orders.map((order) => order.id))
  for (const request of state.orderRequests)
    if (!orderIds.has(request.orderId))
      fail('idempotency.key-names-order', `key ${request.key} names missing order ${request.orderId}`)
  if (state.orders.length > expected.keysSent)
    fail('idempotency.no-extra-orders', `${state.orders.length} orders from ${expected.keysSent} keys`)
  const stored = new Map(
    state.orderRequests.map((request) => [`${request.customerId} ${request.key}`, request.orderId]),
  )
  for (const [key, answered] of expected.load.answers) {
    const distinct = new Set(answered)
    if (distinct.size !== 1)
      fail('idempotency.same-answer', `key ${key} was answered with orders ${[...distinct].join(', ')}`)
    if (stored.get(key) !== answered[0])
      fail(
        'idempotency.answer-stored',
        `key ${key} was answered ${answered[0]}, orders stored ${stored.get(key) ?? 'nothing'}`,
      )
  }
}
