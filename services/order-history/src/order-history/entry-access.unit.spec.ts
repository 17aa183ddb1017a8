import { describe, expect, it } from 'vitest'
import { maySeeEntry } from './entry-access.ts'

describe('maySeeEntry', () => {
  it('lets the customer, an admin and a service without a user see the entry', () => {
    expect(maySeeEntry({ service: 'gateway', user: { id: 'c1', role: 'customer' } }, 'c1')).toBe(true)
    expect(maySeeEntry({ service: 'gateway', user: { id: 'a1', role: 'admin' } }, 'c1')).toBe(true)
    expect(maySeeEntry({ service: 'orders' }, 'c1')).toBe(true)
  })

  it('hides it from other customers and anonymous callers', () => {
    expect(maySeeEntry({ service: 'gateway', user: { id: 'c2', role: 'customer' } }, 'c1')).toBe(false)
    expect(maySeeEntry(undefined, 'c1')).toBe(false)
  })
})
