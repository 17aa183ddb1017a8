import { ConfigInvalid, loadConfig } from '@seams/service-kit'
import { describe, expect, it } from 'vitest'
import { bootstrapAdminOf, UsersConfig } from './config.ts'

const identity = {
  SERVICE_PRIVATE_KEY: 'k'.repeat(43),
  SERVICE_PUBLIC_KEYS: `gateway=${'p'.repeat(43)}`,
  ACCESS_TOKEN_JWKS_URL: 'http://127.0.0.1:8081/.well-known/jwks.json',
}
const required = { DATABASE_URL: 'postgres://users@127.0.0.1/users', ...identity }

describe('UsersConfig', () => {
  it('defaults the port, scrypt cost, hashing bounds, limits and token claims', () => {
    expect(loadConfig(UsersConfig, required)).toMatchObject({
      PORT: 8081,
      SCRYPT_COST: 131_072,
      JWT_ISSUER: 'seams-users',
      JWT_AUDIENCE: 'seams-shop',
      JWT_TTL_SECONDS: 900,
    })
    expect(loadConfig(UsersConfig, required)).toMatchObject({
      PASSWORD_HASHING_CONCURRENCY: 2,
      PASSWORD_HASHING_QUEUE: 8,
      LOGIN_FAILURES_PER_MINUTE: 600,
      REGISTRATIONS_PER_MINUTE: 100,
    })
  })

  it('accepts a power-of-two scrypt cost and refuses any other', () => {
    expect(loadConfig(UsersConfig, { ...required, SCRYPT_COST: '32768' }).SCRYPT_COST).toBe(32768)
    expect(() => loadConfig(UsersConfig, { ...required, SCRYPT_COST: '20000' })).toThrow(
      /SCRYPT_COST must be a power of two/,
    )
    expect(() => loadConfig(UsersConfig, { ...required, SCRYPT_COST: '262144' })).toThrow(/SCRYPT_COST/)
  })

  it('ensures a bootstrap admin only when both variables are given, and stops when only one is', () => {
    expect(bootstrapAdminOf(loadConfig(UsersConfig, required))).toBeUndefined()
    const both = loadConfig(UsersConfig, {
      ...required,
      BOOTSTRAP_ADMIN_EMAIL: 'admin@seams.local',
      BOOTSTRAP_ADMIN_PASSWORD: 'admin-password',
    })
    expect(bootstrapAdminOf(both)).toEqual({ email: 'admin@seams.local', password: 'admin-password' })
    expect(() =>
      bootstrapAdminOf(loadConfig(UsersConfig, { ...required, BOOTSTRAP_ADMIN_EMAIL: 'admin@seams.local' })),
    ).toThrow(ConfigInvalid)
  })
})
