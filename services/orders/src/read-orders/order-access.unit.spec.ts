import { describe, expect, it } from 'vitest'
import { maySeeOrder } from './order-access.ts'

describe('maySeeOrder', () => {
  it('lets the customer, an admin and a service without a user see the order', () => {
    expect(maySeeOrder({ service: 'gateway', user: { id: 'c1', role: 'customer' } }, 'c1')).toBe(true)
    expect(maySeeOrder({ service: 'gateway', user: { id: 'a1', role: 'admin' } }, 'c1')).toBe(true)
    expect(maySeeOrder({ service: 'order-history' }, 'c1')).toBe(true)
  })

  it('hides it from other customers and anonymous callers', () => {
    expect(maySeeOrder({ service: 'gateway', user: { id: 'c2', role: 'customer' } }, 'c1')).toBe(false)
    expect(maySeeOrder(undefined, 'c1')).toBe(false)
  })
})
