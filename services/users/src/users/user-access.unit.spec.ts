import type { Caller } from '@seams/service-kit'
import { describe, expect, it } from 'vitest'
import { decideReadAccess, mayManage, type ReadAccess } from './user-access.ts'

const self = '00000000-0000-7000-8000-00000000000a'
const other = '00000000-0000-7000-8000-00000000000b'
const edge = ['gateway']

describe('decideReadAccess', () => {
  const cases: [string, Caller, string, ReadAccess][] = [
    ['a customer reading themself', { service: 'gateway', user: { id: self, role: 'customer' } }, self, 'allowed'],
    ['a customer reading someone else', { service: 'gateway', user: { id: self, role: 'customer' } }, other, 'hidden'],
    ['an admin reading someone else', { service: 'gateway', user: { id: self, role: 'admin' } }, other, 'allowed'],
    ['a service acting for no user', { service: 'orders' }, other, 'allowed'],
    ['an anonymous call through the edge', { service: 'gateway' }, self, 'unauthenticated'],
  ]
  it.each(cases)('%s', (_description, caller, target, expected) => {
    expect(decideReadAccess(caller, target, edge)).toBe(expected)
  })
})

describe('mayManage', () => {
  it('lets users manage themselves and admins manage anyone, nobody else', () => {
    expect(mayManage({ id: self, role: 'customer' }, self)).toBe(true)
    expect(mayManage({ id: self, role: 'customer' }, other)).toBe(false)
    expect(mayManage({ id: self, role: 'admin' }, other)).toBe(true)
    expect(mayManage({ id: self, role: 'support' }, other)).toBe(false)
  })
})
