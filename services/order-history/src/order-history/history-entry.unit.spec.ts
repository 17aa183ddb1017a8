import { createEnvelope, type DeliveredEvent, type EventContract, type EventData } from '@seams/core'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import { PaymentAuthorizedV1, PaymentCapturedV1, PaymentVoidedV1 } from '@shop/payments-contracts'
import { describe, expect, it } from 'vitest'
import { mergeOrderFact, mergePaymentFact, type HistoryRow } from './history-entry.ts'
import { cancelledFact, confirmedFact, paymentFact, placedFact, rejectedFact } from './history-facts.ts'

const orderId = '0190a0b0-0000-7000-8000-000000000001'
const customerId = '0190a0b0-0000-7000-8000-000000000002'
const paymentId = '0190a0b0-0000-7000-8000-000000000003'
const lamp = '0190a0b0-0000-7000-8000-000000000004'
const minute = (n: number) => new Date(Date.UTC(2025, 0, 1, 12, n))

function delivered<C extends EventContract>(
  contract: C,
  version: number,
  at: Date,
  data: EventData<C>,
): DeliveredEvent<EventData<C>> {
  return {
    ...createEnvelope({ newId: () => `${contract.type}-${version}`, now: () => at }, contract, {
      subject: orderId,
      aggregateVersion: version,
      data,
    }),
    position: 0,
  }
}

// Given events as the producers publish them, each applied through the same mapping the projection uses.
type Step = (row: HistoryRow | undefined) => HistoryRow | undefined
const placed =
  (version = 1, at = minute(0)): Step =>
  (row) =>
    mergeOrderFact(
      row,
      placedFact(
        delivered(OrderPlacedV1, version, at, { orderId, customerId, items: [{ productId: lamp, quantity: 2 }] }),
      ),
    )
const confirmed =
  (version = 3, at = minute(2)): Step =>
  (row) =>
    mergeOrderFact(
      row,
      confirmedFact(
        delivered(OrderConfirmedV1, version, at, {
          orderId,
          customerId,
          items: [{ productId: lamp, quantity: 2, unitPriceCents: 1500 }],
          totalCents: 3000,
          currency: 'EUR',
          paymentId,
        }),
      ),
    )
const rejected =
  (version = 2, at = minute(1)): Step =>
  (row) =>
    mergeOrderFact(
      row,
      rejectedFact(delivered(OrderRejectedV1, version, at, { orderId, customerId, reason: 'OUT_OF_STOCK' })),
    )
const cancelled =
  (version = 5, at = minute(4)): Step =>
  (row) =>
    mergeOrderFact(
      row,
      cancelledFact(
        delivered(OrderCancelledV1, version, at, {
          orderId,
          customerId,
          reason: 'changed my mind',
          paymentId,
          settlement: 'orchestrated',
        }),
      ),
    )
const payment = { orderId, customerId, paymentId, amountCents: 3000, currency: 'EUR' }
const authorized =
  (version = 2, at = minute(1)): Step =>
  (row) =>
    mergePaymentFact(
      row,
      paymentFact(delivered(PaymentAuthorizedV1, version, at, { ...payment, status: 'authorized' })),
    )
const captured =
  (version = 3, at = minute(3)): Step =>
  (row) =>
    mergePaymentFact(row, paymentFact(delivered(PaymentCapturedV1, version, at, { ...payment, status: 'captured' })))
const voided =
  (version = 3, at = minute(5)): Step =>
  (row) =>
    mergePaymentFact(row, paymentFact(delivered(PaymentVoidedV1, version, at, { ...payment, status: 'voided' })))

/** Applies the steps in order; a step that changes nothing leaves the row as it was. */
const given = (...steps: Step[]) => steps.reduce<HistoryRow | undefined>((row, step) => step(row) ?? row, undefined)

describe('an order history entry', () => {
  it('starts when the order is placed, with its lines unpriced and no payment yet', () => {
    expect(given(placed())).toEqual({
      orderId,
      customerId,
      status: 'PENDING',
      reason: null,
      items: [{ productId: lamp, quantity: 2, unitPriceCents: null }],
      totalCents: null,
      currency: null,
      paymentId: null,
      paymentStatus: null,
      placedAt: minute(0),
      updatedAt: minute(0),
      orderVersion: 1,
      paymentVersion: 0,
    })
  })

  it('takes prices, total and payment from the confirmation and the payment status from payments', () => {
    expect(given(placed(), authorized(), confirmed(), captured())).toEqual({
      orderId,
      customerId,
      status: 'CONFIRMED',
      reason: null,
      items: [{ productId: lamp, quantity: 2, unitPriceCents: 1500 }],
      totalCents: 3000,
      currency: 'EUR',
      paymentId,
      paymentStatus: 'captured',
      placedAt: minute(0),
      updatedAt: minute(3),
      orderVersion: 3,
      paymentVersion: 3,
    })
  })

  it('keeps what a rejection or cancellation does not carry, and records why', () => {
    expect(given(placed(), rejected())).toMatchObject({
      status: 'REJECTED',
      reason: 'OUT_OF_STOCK',
      items: [{ productId: lamp, quantity: 2, unitPriceCents: null }],
    })
    expect(given(placed(), confirmed(), cancelled())).toMatchObject({
      status: 'CANCELLED',
      reason: 'changed my mind',
      totalCents: 3000,
      currency: 'EUR',
      paymentId,
    })
  })

  it('does not take the payment id a cancellation names: only payments say a payment exists', () => {
    expect(given(placed(), cancelled(2))).toMatchObject({ status: 'CANCELLED', paymentId: null, paymentStatus: null })
  })

  it('keeps a payment announced before its order, hidden until the order part arrives', () => {
    const early = given(authorized())
    expect(early).toMatchObject({
      orderId,
      customerId,
      status: null,
      placedAt: null,
      paymentId,
      paymentStatus: 'authorized',
      orderVersion: 0,
      paymentVersion: 2,
    })
    expect(given(authorized(), placed())).toMatchObject({
      status: 'PENDING',
      placedAt: minute(0),
      paymentStatus: 'authorized',
      updatedAt: minute(1),
    })
  })

  it('ignores an event that is not newer than its part, whichever part', () => {
    const current = given(placed(), confirmed(), captured())
    expect(placed()(current)).toBeUndefined()
    expect(confirmed()(current)).toBeUndefined()
    expect(authorized()(current)).toBeUndefined()
    expect(captured()(current)).toBeUndefined()
    // Versions of the two aggregates are never compared: payment v2 after order v3 still applies.
    expect(authorized()(given(placed(), confirmed()))).toMatchObject({ paymentStatus: 'authorized', orderVersion: 3 })
  })

  it('ends the same whatever way the two feeds interleave', () => {
    const orders = [placed(), confirmed(), cancelled()]
    const payments = [authorized(), voided()]
    const expected = given(...orders, ...payments)
    for (const order of interleavings(orders, payments)) expect(given(...order)).toEqual(expected)
    expect(expected).toMatchObject({
      status: 'CANCELLED',
      paymentStatus: 'voided',
      placedAt: minute(0),
      updatedAt: minute(5),
    })
  })
})

/** Every merge of two sequences that keeps each one's own order: what two ordered feeds can deliver. */
function interleavings<T>(a: readonly T[], b: readonly T[]): T[][] {
  if (a.length === 0) return [[...b]]
  if (b.length === 0) return [[...a]]
  return [
    ...interleavings(a.slice(1), b).map((rest) => [a[0]!, ...rest]),
    ...interleavings(a, b.slice(1)).map((rest) => [b[0]!, ...rest]),
  ]
}
