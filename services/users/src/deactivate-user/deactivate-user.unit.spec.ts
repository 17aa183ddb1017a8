import type { User } from '@shop/users-contracts'
import { describe, expect, it } from 'vitest'
import { decideDeactivation } from './deactivate-user.ts'

const user = (status: User['status']): User => ({
  id: '00000000-0000-7000-8000-00000000000a',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'customer',
  status,
  version: 2,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
})

describe('decideDeactivation', () => {
  it('deactivates an active user', () => {
    expect(decideDeactivation(user('active'))).toEqual({ kind: 'deactivate' })
  })

  it('does nothing to a user already deactivated', () => {
    expect(decideDeactivation(user('deactivated'))).toEqual({ kind: 'already-deactivated' })
  })
})
