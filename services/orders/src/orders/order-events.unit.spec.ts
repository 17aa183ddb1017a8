import { describe, expect, it } from 'vitest'
import { OrderIncomplete } from '../errors.ts'
import { orderConfirmed, orderRejected } from './order-events.ts'
import type { StoredOrder } from './order-store.ts'

const deps = { newId: () => '0190a8d2-0000-7000-8000-000000000001', now: () => new Date('2026-12-01T00:00:00Z') }

const order = (overrides: Partial<StoredOrder> = {}): StoredOrder => ({
  id: '0190a8d2-0000-7000-8000-0000000000aa',
  customerId: '0190a8d2-0000-7000-8000-0000000000bb',
  status: 'CONFIRMED',
  currency: 'EUR',
  totalCents: 3998,
  paymentId: '0190a8d2-0000-7000-8000-0000000000cc',
  reason: null,
  cancelRequestedAt: null,
  version: 2,
  createdAt: new Date('2026-12-01T00:00:00Z'),
  updatedAt: new Date('2026-12-01T00:00:00Z'),
  items: [{ productId: '0190a8d2-0000-7000-8000-0000000000dd', quantity: 2, unitPriceCents: 1999 }],
  ...overrides,
})

describe('order events', () => {
  it('announces a confirmed order with its prices', () => {
    expect(orderConfirmed(deps, order()).data).toMatchObject({
      totalCents: 3998,
      currency: 'EUR',
      items: [{ quantity: 2, unitPriceCents: 1999 }],
    })
  })

  it.each([
    ['a line without a price', { items: [{ productId: 'p', quantity: 1, unitPriceCents: null }] }],
    ['no total', { totalCents: null }],
    ['no currency', { currency: null }],
  ])('refuses to announce a confirmed order with %s', (_case, overrides) => {
    expect(() => orderConfirmed(deps, order(overrides))).toThrow(OrderIncomplete)
  })

  it('refuses to announce a rejection without its reason', () => {
    expect(() => orderRejected(deps, order({ status: 'REJECTED', reason: null }))).toThrow(OrderIncomplete)
    expect(orderRejected(deps, order({ status: 'REJECTED', reason: 'OUT_OF_STOCK: p' })).data).toMatchObject({
      reason: 'OUT_OF_STOCK: p',
    })
  })
})
