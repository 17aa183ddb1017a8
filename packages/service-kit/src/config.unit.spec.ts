import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'
import { ConfigInvalid } from './errors.ts'
import { serviceConfigFields } from './service-config.ts'

const Config = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  NATS_PASSWORD: Type.Optional(Type.String({ minLength: 16 })),
  SIGNING_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]+$' })),
})
const valid = { DATABASE_URL: 'postgres://users:db-password-1@127.0.0.1:5432/users', SERVICE_SECRET: 'x'.repeat(32) }

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
    const message = messageOf({ ...valid, SERVICE_SECRET: 'too-short-secret', NATS_PASSWORD: 'nats-pw', SIGNING_KEY: 'key-with-dashes' })
    for (const name of ['SERVICE_SECRET', 'NATS_PASSWORD', 'SIGNING_KEY']) expect(message).toContain(`${name} `)
    for (const value of ['too-short-secret', 'nats-pw', 'key-with-dashes']) expect(message).not.toContain(value)
    expect(message).toContain('value hidden')
  })

  it('still show what a variable that holds no secret was given', () => {
    expect(messageOf({ ...valid, PORT: 'eighty' })).toContain('PORT must be integer (got "eighty")')
  })
})
