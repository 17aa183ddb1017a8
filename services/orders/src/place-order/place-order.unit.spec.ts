import { DeciderSpecification } from '@seams/testing'
import { describe, expect, it } from 'vitest'
import { placeOrderDecider, requestHash, type KeyEvent } from './place-order.ts'

const p = '01900000-0000-7000-8000-000000000001'
const given = DeciderSpecification.for(placeOrderDecider)

describe('placing an order with an Idempotency-Key', () => {
  const body = { items: [{ productId: p, quantity: 2 }] }
  const claimed: KeyEvent = { type: 'KeyClaimed', orderId: 'o1', requestHash: requestHash(body) }

  it('is a new order when the key was never used', () => {
    given([])
      .when({ type: 'PlaceOrder', requestHash: requestHash(body) })
      .then({ fresh: true })
  })

  it('replays the first order for the same key and body', () => {
    given(claimed)
      .when({ type: 'PlaceOrder', requestHash: requestHash({ items: [{ productId: p, quantity: 2 }] }) })
      .then({ fresh: false, orderId: 'o1', sameRequest: true })
  })

  it('refuses the same key with another body', () => {
    given(claimed)
      .when({ type: 'PlaceOrder', requestHash: requestHash({ items: [{ productId: p, quantity: 3 }] }) })
      .then({ fresh: false, orderId: 'o1', sameRequest: false })
  })

  it('keeps the first claim of a key', () => {
    given([claimed, { type: 'KeyClaimed', orderId: 'o2', requestHash: 'other' }])
      .when({ type: 'PlaceOrder', requestHash: requestHash(body) })
      .then({ fresh: false, orderId: 'o1', sameRequest: true })
  })

  it('tells bodies apart by their items and quantities', () => {
    expect(requestHash(body)).toBe(requestHash({ items: [{ productId: p, quantity: 2 }] }))
    expect(requestHash(body)).not.toBe(requestHash({ items: [{ productId: p, quantity: 1 }] }))
  })
})
