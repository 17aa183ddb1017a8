import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'
import { serviceConfigFields } from './service-config.ts'

const required = {
  DATABASE_URL: 'postgres://catalog@127.0.0.1/catalog',
  SERVICE_PRIVATE_KEY: 'k'.repeat(43),
  SERVICE_PUBLIC_KEYS: `gateway=${'p'.repeat(43)}`,
  ACCESS_TOKEN_JWKS_URL: 'http://127.0.0.1:8081/.well-known/jwks.json',
}

describe('loadConfig', () => {
  it('reads a NATS login, and none at all as anonymous', () => {
    const schema = Type.Object(serviceConfigFields)
    expect(loadConfig(schema, { ...required, NATS_USER: 'catalog', NATS_PASSWORD: 'pw' })).toMatchObject({ NATS_USER: 'catalog', NATS_PASSWORD: 'pw' })
    const anonymous = loadConfig(schema, required)
    expect(anonymous.NATS_USER).toBeUndefined()
    expect(anonymous.NATS_PASSWORD).toBeUndefined()
  })

  it('names a bad secret without showing it, and shows other bad values', () => {
    const schema = Type.Object({ ...serviceConfigFields, CACHE_WORD: Type.String({ minLength: 3 }) })
    const attempt = () => loadConfig(schema, { ...required, SERVICE_PRIVATE_KEY: 'short-secret-value', NATS_USER: 'not a user', CACHE_WORD: 'ab' })
    expect(attempt).toThrow(/SERVICE_PRIVATE_KEY/)
    expect(attempt).toThrow(/"not a user"/)
    expect(attempt).toThrow(/"ab"/)
    try {
      attempt()
    } catch (error) {
      expect(JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details })).not.toContain('short-secret-value')
    }
  })

  it('keeps a field marked secret out of the message whatever its name', () => {
    const schema = Type.Object({ SIGNING_KEY: Type.String({ minLength: 40, secret: true }) })
    expect(() => loadConfig(schema, { SIGNING_KEY: 'k3y-material' })).toThrow(/SIGNING_KEY .*a value not shown/)
    expect(() => loadConfig(schema, { SIGNING_KEY: 'k3y-material' })).not.toThrow(/k3y-material/)
  })
})
