import { describe, expect, it } from 'vitest'
import { decideReplay, requestHash } from './place-order.ts'

const p = '01900000-0000-7000-8000-000000000001'

describe('placing an order with an Idempotency-Key', () => {
  const body = { items: [{ productId: p, quantity: 2 }] }

  it('is a new order when the key was never used', () => {
    expect(decideReplay(undefined, requestHash(body))).toEqual({ fresh: true })
  })

  it('replays the first order for the same key and body', () => {
    expect(
      decideReplay(
        { orderId: 'o1', requestHash: requestHash(body) },
        requestHash({ items: [{ productId: p, quantity: 2 }] }),
      ),
    ).toEqual({ fresh: false, orderId: 'o1', sameRequest: true })
  })

  it('refuses the same key with another body', () => {
    expect(
      decideReplay(
        { orderId: 'o1', requestHash: requestHash(body) },
        requestHash({ items: [{ productId: p, quantity: 3 }] }),
      ),
    ).toMatchObject({ sameRequest: false })
  })
})
