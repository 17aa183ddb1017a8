import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'
import { ConfigInvalid } from './errors.ts'
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
    expect(loadConfig(schema, { ...required, NATS_USER: 'catalog', NATS_PASSWORD: 'pw' })).toMatchObject({
      NATS_USER: 'catalog',
      NATS_PASSWORD: 'pw',
    })
    const anonymous = loadConfig(schema, required)
    expect(anonymous.NATS_USER).toBeUndefined()
    expect(anonymous.NATS_PASSWORD).toBeUndefined()
  })

  it('names a bad secret without showing it, and shows other bad values', () => {
    const schema = Type.Object({ ...serviceConfigFields, CACHE_WORD: Type.String({ minLength: 3 }) })
    const attempt = () =>
      loadConfig(schema, {
        ...required,
        SERVICE_PRIVATE_KEY: 'short-secret-value',
        NATS_USER: 'not a user',
        CACHE_WORD: 'ab',
      })
    expect(attempt).toThrow(/SERVICE_PRIVATE_KEY/)
    expect(attempt).toThrow(/"not a user"/)
    expect(attempt).toThrow(/"ab"/)
    try {
      attempt()
    } catch (error) {
      expect(
        JSON.stringify({ message: (error as Error).message, details: (error as { details?: unknown }).details }),
      ).not.toContain('short-secret-value')
    }
  })

  it('keeps a field marked secret out of the message whatever its name', () => {
    const schema = Type.Object({ SIGNING_KEY: Type.String({ minLength: 40, secret: true }) })
    expect(() => loadConfig(schema, { SIGNING_KEY: 'k3y-material' })).toThrow(/SIGNING_KEY .*value hidden/)
    expect(() => loadConfig(schema, { SIGNING_KEY: 'k3y-material' })).not.toThrow(/k3y-material/)
  })
})

const Config = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  NATS_PASSWORD: Type.Optional(Type.String({ minLength: 16 })),
  SIGNING_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]+$' })),
})
const valid = { ...required, DATABASE_URL: 'postgres://users:db-password-1@127.0.0.1:5432/users' }

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(Config, env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalid)
    return `${(error as Error).message} ${JSON.stringify((error as InstanceType<typeof ConfigInvalid>).details)}`
  }
  throw new Error('the configuration was accepted')
}

describe('config errors', () => {
  it('name a malformed DATABASE_URL without its password', () => {
    const message = messageOf({ ...valid, DATABASE_URL: 'postgres//users:db-password-1@127.0.0.1:5432/users' })
    expect(message).toContain('DATABASE_URL')
    expect(message).toContain('postgres//users:***@127.0.0.1:5432/users')
    expect(message).not.toContain('db-password-1')
  })

  it('name a bad secret without its value', () => {
    const message = messageOf({
      ...valid,
      SERVICE_PRIVATE_KEY: 'too-short-secret',
      NATS_PASSWORD: 'nats-pw',
      SIGNING_KEY: 'key-with-dashes',
    })
    for (const name of ['SERVICE_PRIVATE_KEY', 'NATS_PASSWORD', 'SIGNING_KEY']) expect(message).toContain(`${name} `)
    for (const value of ['too-short-secret', 'nats-pw', 'key-with-dashes']) expect(message).not.toContain(value)
    expect(message).toContain('value hidden')
  })

  it('still show what a variable that holds no secret was given', () => {
    expect(messageOf({ ...valid, PORT: 'eighty' })).toContain('PORT must be integer (got "eighty")')
  })
})
