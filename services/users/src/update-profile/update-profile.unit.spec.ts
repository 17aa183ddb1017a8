import type { User } from '@shop/users-contracts'
import { describe, expect, it } from 'vitest'
import { decideProfileChange } from './update-profile.ts'

const user = (overrides: Partial<User> = {}): User => ({
  id: '00000000-0000-7000-8000-00000000000a',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'customer',
  status: 'active',
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  ...overrides,
})

describe('decideProfileChange', () => {
  it('renames an active user', () => {
    expect(decideProfileChange(user(), { name: 'Ada Lovelace' })).toEqual({ kind: 'rename', name: 'Ada Lovelace' })
  })

  it('changes nothing when the name is the current one', () => {
    expect(decideProfileChange(user(), { name: 'Ada' })).toEqual({ kind: 'unchanged' })
  })

  it('refuses to change a deactivated user', () => {
    expect(decideProfileChange(user({ status: 'deactivated' }), { name: 'Ada Lovelace' })).toEqual({
      kind: 'refused',
      reason: 'DEACTIVATED',
    })
  })
})
