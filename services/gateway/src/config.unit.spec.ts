import { ConfigInvalid, loadConfig } from '@seams/service-kit'
import { describe, expect, it } from 'vitest'
import { GatewayConfig, upstreamUrlsOf } from './config.ts'

const wiring = {
  SERVICE_PRIVATE_KEY: 'k'.repeat(43),
  SERVICE_PUBLIC_KEYS: `operator=${'p'.repeat(43)}`,
  ACCESS_TOKEN_JWKS_URL: 'http://127.0.0.1:8081/.well-known/jwks.json',
  USERS_URL: 'http://127.0.0.1:8081',
  CATALOG_URL: 'http://127.0.0.1:8082',
  ORDERS_URL: 'http://127.0.0.1:8083',
  PAYMENTS_URL: 'http://127.0.0.1:8084',
  ORDER_HISTORY_URL: 'http://127.0.0.1:8085',
}

describe('gateway config', () => {
  it('needs no database, and defaults what the brief fixes', () => {
    const config = loadConfig(GatewayConfig, wiring)
    expect(config).toMatchObject({
      PORT: 8080,
      ACCESS_TOKEN_ISSUER: 'seams-users',
      ACCESS_TOKEN_AUDIENCE: 'seams-shop',
      RATE_LIMIT_USER_MAX: 600,
      RATE_LIMIT_ANONYMOUS_MAX: 1200,
      RATE_LIMIT_WINDOW_MS: 60_000,
      BODY_LIMIT_BYTES: 1024 * 1024,
      UPSTREAM_TIMEOUT_MS: 3000,
    })
    expect(config.REDIS_URL).toBeUndefined()
    expect(upstreamUrlsOf(config)).toEqual({
      users: wiring.USERS_URL,
      catalog: wiring.CATALOG_URL,
      orders: wiring.ORDERS_URL,
      payments: wiring.PAYMENTS_URL,
      'order-history': wiring.ORDER_HISTORY_URL,
    })
  })

  it('stops at start when a service URL or the secret is missing or malformed', () => {
    const { USERS_URL: _users, ...withoutUsers } = wiring
    expect(() => loadConfig(GatewayConfig, withoutUsers)).toThrow(/USERS_URL is required/)
    expect(() => loadConfig(GatewayConfig, { ...wiring, CATALOG_URL: 'catalog:8082' })).toThrow(ConfigInvalid)
    expect(() => loadConfig(GatewayConfig, { ...wiring, SERVICE_PRIVATE_KEY: 'short' })).toThrow(/SERVICE_PRIVATE_KEY/)
    expect(() => loadConfig(GatewayConfig, { ...wiring, REDIS_URL: 'http://redis' })).toThrow(/REDIS_URL/)
  })
})
