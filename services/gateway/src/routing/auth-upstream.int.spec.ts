import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest } from '../testing/http.ts'
import { shopClient, type ShopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type ShopUnderTest } from '../testing/shop-under-test.ts'

describe('login and sign-up through a users client of their own', () => {
  let shop: ShopUnderTest
  let client: ShopClient

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users'] })
    client = shopClient(shop.gatewayUrl)
  })

  afterAll(async () => {
    await shop?.stop()
  })

  it(
    "passes on users' 429s to a guesser from many addresses, " +
      'while profile reads go on and their circuit stays closed',
    async () => {
      const { user, token } = await client.signUp()
      const statuses: number[] = []
      let throttled
      for (let attempt = 0; attempt < 40; attempt += 1) {
        // A new source address each time: the gateway's per-client limit never sees the same client twice.
        const response = await rawRequest(shop.gatewayUrl, '/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: user.email, password: `guess ${attempt}` }),
          localAddress: `127.0.1.${attempt + 10}`,
        })
        statuses.push(response.status)
        if (response.status === 429) throttled = response
      }
      expect(statuses.indexOf(429), statuses.join()).toBeGreaterThan(-1)
      expect(statuses.indexOf(429)).toBeLessThan(19)
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([])
      expect(Number(throttled!.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(throttled!.json()).toMatchObject({ status: 429, code: 'USERS_LOGIN_THROTTLED', reason: 'account' })

      // On the client every users call shares, these 429s would have opened the circuit after five.
      for (let read = 0; read < 5; read += 1)
        expect((await client.send('GET', '/api/users/me', { token })).status).toBe(200)
      const operator = { authorization: `Bearer ${await shop.identity('operator').tokenFor('gateway')}` }
      const readiness = (await (await fetch(`${shop.gatewayUrl}/health/ready`, { headers: operator })).json()) as {
        checks: Record<string, { detail: unknown }>
      }
      expect(readiness.checks['users']?.detail).toMatchObject({ circuit: 'closed' })
      const metrics = await (await fetch(`${shop.gatewayUrl}/metrics`, { headers: operator })).text()
      expect(metrics).toMatch(/http_client_calls_total\{[^}]*dependency="users-auth"/)
      expect(metrics).toMatch(/http_client_circuit_state\{[^}]*dependency="users-auth"[^}]*\} 0/)
    },
  )
})
