import { afterEach, describe, expect, it, vi } from 'vitest'
import { createServiceTokens } from './service-auth.ts'

const secret = 'a-deployment-secret-of-at-least-32-bytes'

afterEach(() => vi.restoreAllMocks())

describe('service tokens', () => {
  it('carries the caller and the user it acts for, for the audience only', async () => {
    const gateway = createServiceTokens({ service: 'gateway', secret })
    const token = await gateway.mint('catalog', { id: 'user-1', role: 'customer' })
    await expect(createServiceTokens({ service: 'catalog', secret }).verify(token)).resolves.toEqual({ service: 'gateway', user: { id: 'user-1', role: 'customer' } })
    await expect(createServiceTokens({ service: 'orders', secret }).verify(token)).rejects.toThrow('invalid or expired')
    await expect(createServiceTokens({ service: 'catalog', secret: 'another-secret-that-is-at-least-32-bytes' }).verify(token)).rejects.toThrow('invalid or expired')
  })

  it('signs once per audience and user at a gateway\'s scale: 5,000 users calling 5 services', async () => {
    const gateway = createServiceTokens({ service: 'gateway', secret })
    const audiences = ['users', 'catalog', 'orders', 'payments', 'order-history']
    const users = Array.from({ length: 5000 }, (_, index) => ({ id: `user-${index}`, role: 'customer' }))
    const mintAll = () => Promise.all(users.flatMap((user) => audiences.map((audience) => gateway.mint(audience, user))))
    const sign = vi.spyOn(crypto.subtle, 'sign')
    await mintAll()
    expect(sign).toHaveBeenCalledTimes(users.length * audiences.length)
    await mintAll()
    expect(sign).toHaveBeenCalledTimes(users.length * audiences.length)
  })

  it('verifies a token once while it is valid, for as many callers as a gateway has users', async () => {
    const gateway = createServiceTokens({ service: 'gateway', secret })
    const catalog = createServiceTokens({ service: 'catalog', secret })
    const tokens = await Promise.all(Array.from({ length: 12_000 }, (_, index) => gateway.mint('catalog', { id: `user-${index}`, role: 'customer' })))
    const verify = vi.spyOn(crypto.subtle, 'verify')
    await Promise.all(tokens.map((token) => catalog.verify(token)))
    await Promise.all(tokens.map((token) => catalog.verify(token)))
    expect(verify).toHaveBeenCalledTimes(tokens.length)
  })
})
