import type { FastifyRequest } from 'fastify'
import { describe, expect, it } from 'vitest'
import { mayRead, requireReader, requireRole, requireService, requireUser } from './authorization.ts'
import type { Caller } from './service-auth.ts'

const requestOf = (caller: Caller | undefined) => ({ caller }) as FastifyRequest
const customer: Caller = { kind: 'user', service: 'gateway', user: { id: 'c1', role: 'customer' } }
const admin: Caller = { kind: 'user', service: 'gateway', user: { id: 'a1', role: 'admin' } }
const anonymous: Caller = { kind: 'anonymous', service: 'gateway' }
const orders: Caller = { kind: 'service', service: 'orders' }

const statusOf = (attempt: () => unknown): number | 'allowed' => {
  try {
    attempt()
    return 'allowed'
  } catch (error) {
    return (error as { category: string }).category === 'unauthenticated' ? 401 : 403
  }
}

describe('the access rule', () => {
  it('asks anonymous callers to log in, and never lets them pass for a service', () => {
    expect(statusOf(() => requireUser(requestOf(anonymous)))).toBe(401)
    expect(statusOf(() => requireReader(requestOf(anonymous), ['gateway']))).toBe(401)
    expect(statusOf(() => requireService(requestOf(anonymous), ['gateway']))).toBe(403)
    expect(statusOf(() => requireUser(requestOf(undefined)))).toBe(401)
  })

  it('lets a service act for itself only where the operation names it', () => {
    expect(statusOf(() => requireService(requestOf(orders), ['orders']))).toBe('allowed')
    expect(statusOf(() => requireService(requestOf(orders), ['operator']))).toBe(403)
    expect(statusOf(() => requireService(requestOf(admin), ['orders']))).toBe(403)
    expect(statusOf(() => requireReader(requestOf(orders)))).toBe(403)
    expect(statusOf(() => requireUser(requestOf(orders)))).toBe(403)
    expect(mayRead(requireReader(requestOf(orders), ['orders']), 'c1')).toBe(true)
  })

  it('shows an owned resource to its owner and admins, nobody else', () => {
    expect(mayRead(requireReader(requestOf(customer)), 'c1')).toBe(true)
    expect(mayRead(requireReader(requestOf(customer)), 'c2')).toBe(false)
    expect(mayRead(requireReader(requestOf(admin)), 'c2')).toBe(true)
    expect(statusOf(() => requireRole(requestOf(customer), 'admin'))).toBe(403)
    expect(statusOf(() => requireRole(requestOf(admin), 'admin'))).toBe('allowed')
  })
})
