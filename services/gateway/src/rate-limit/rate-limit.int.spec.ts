import { randomBytes } from 'node:crypto'
import { freePort } from '@seams/process-runner'
import { redisUrl, requireInfrastructure } from '@seams/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../testing/http.ts'
import { shopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type RunningGateway, type ShopUnderTest } from '../testing/shop-under-test.ts'

const anonymousMax = 4
const userMax = 3
const limits = { RATE_LIMIT_ANONYMOUS_MAX: String(anonymousMax), RATE_LIMIT_USER_MAX: String(userMax) }

// Each test sends from addresses of its own on the loopback network, so that it starts with fresh counters.
let nextHost = 10
const newClientAddress = () => `127.0.0.${(nextHost += 1)}`

describe('rate limiting at the gateway', () => {
  let shop: ShopUnderTest

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users'], gateway: limits })
  })

  afterAll(async () => {
    await shop?.stop()
  })

  const get = (from: string, target = '/api/users/me', token?: string, gatewayUrl = shop.gatewayUrl) =>
    rawRequest(gatewayUrl, target, {
      localAddress: from,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    })

  function expectRateLimited(response: RawResponse): void {
    expect(response.status).toBe(429)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()).toMatchObject({ status: 429, code: 'GATEWAY_RATE_LIMITED' })
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0)
  }

  it('limits an anonymous client by IP, and never limits health and metrics', async () => {
    const client = newClientAddress()
    // The users service answers these 401 (no user): the gateway passes them, and counts them.
    for (let request = 0; request < anonymousMax; request += 1) expect((await get(client)).status).toBe(401)
    expectRateLimited(await get(client))
    expect((await get(newClientAddress())).status).toBe(401)
    expect((await get(client, '/health/live')).status).toBe(200)
    // Only users runs here, so the public API's description answers 503 (it needs every service): not 429.
    expect((await get(client, '/openapi.json')).status).not.toBe(429)
    expect((await get(client, '/metrics', await shop.identity('operator').tokenFor('gateway'))).status).toBe(200)
    expect((await get(client, '/health/ready')).status).not.toBe(429)
  })

  it('limits a logged-in user by their id, from wherever they send', async () => {
    const { token: accessToken } = await shopClient(shop.gatewayUrl).signUp()
    const addresses = [newClientAddress(), newClientAddress(), newClientAddress(), newClientAddress()]
    for (const address of addresses.slice(0, userMax))
      expect((await get(address, '/api/users/me', accessToken)).status).toBe(200)
    expectRateLimited(await get(addresses[userMax]!, '/api/users/me', accessToken))
    // The same address without the token is another client: its own, anonymous budget.
    expect((await get(addresses[0]!)).status).toBe(401)
  })

  it("counts requests with refused tokens against the client's IP", async () => {
    const client = newClientAddress()
    for (let request = 0; request < anonymousMax; request += 1)
      expect((await get(client, '/api/users/me', 'forged.token.value')).status).toBe(401)
    expectRateLimited(await get(client, '/api/users/me', 'forged.token.value'))
  })

  it('lets requests pass uncounted while Redis is unreachable, rather than failing them', async () => {
    const gateway = await shop.startGateway({ ...limits, REDIS_URL: `redis://127.0.0.1:${await freePort()}` })
    const client = newClientAddress()
    for (let request = 0; request < anonymousMax * 2; request += 1)
      expect((await get(client, '/api/users/me', undefined, gateway.url)).status).toBe(401)
  })

  it('shares one budget between replicas through Redis', async (context) => {
    if (!(await requireInfrastructure('Redis', redisUrl()))) return context.skip()
    const env = {
      ...limits,
      REDIS_URL: redisUrl(),
      RATE_LIMIT_NAMESPACE: `seams-test-${randomBytes(4).toString('hex')}:`,
    }
    const replicas: RunningGateway[] = [await shop.startGateway(env), await shop.startGateway(env)]
    const client = newClientAddress()
    for (let request = 0; request < anonymousMax; request += 1)
      expect((await get(client, '/api/users/me', undefined, replicas[request % 2]!.url)).status).toBe(401)
    // Each replica saw only half of the budget; with counters of their own both would still let this through.
    for (const replica of replicas) expectRateLimited(await get(client, '/api/users/me', undefined, replica.url))
  })
})
