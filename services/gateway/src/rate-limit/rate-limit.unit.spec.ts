import type { ServiceApp } from '@seams/service-kit'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { limitRequestRates } from './rate-limit.ts'

describe('per-process rate limits', () => {
  it("still limits a user after more clients than the limiter's default LRU holds (5,000) were counted", async () => {
    const app = Fastify()
    app.decorateRequest('endUser', undefined)
    // Stands in for authentication, which runs before the limiter and names the user.
    app.addHook('onRequest', async (request) => {
      request.endUser = { id: String(request.headers['x-user']), role: 'customer' }
    })
    await limitRequestRates(app as unknown as ServiceApp, {
      userMax: 1,
      anonymousMax: 1,
      windowMs: 60_000,
      namespace: 'test:',
    })
    app.get('/', async () => ({ ok: true }))
    const get = (user: number) => app.inject({ method: 'GET', url: '/', headers: { 'x-user': `user-${user}` } })

    expect((await get(0)).statusCode).toBe(200)
    for (let user = 1; user <= 6000; user += 1) expect((await get(user)).statusCode).toBe(200)
    expect((await get(0)).statusCode).toBe(429)
    await app.close()
  })
})
