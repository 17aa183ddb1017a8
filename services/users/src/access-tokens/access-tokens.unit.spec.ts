import type { User } from '@shop/users-contracts'
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokens } from './access-tokens.ts'
import { generateSigningKey, toSigningKeys, type SigningKeys } from './signing-keys.ts'

const user: User = {
  id: '00000000-0000-7000-8000-00000000000a',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'admin',
  status: 'active',
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}
const issuedAt = new Date('2026-03-01T12:00:00.000Z')
const issuedAtSeconds = issuedAt.getTime() / 1000
const options = { issuer: 'seams-users', audience: 'seams-shop', ttlSeconds: 600 }

describe('createAccessTokens', () => {
  let signingKeys: SigningKeys

  beforeAll(async () => {
    // Newest first, as stored: tokens are signed with generation 2, and generation 1 stays listed.
    signingKeys = await toSigningKeys([await generateSigningKey(2), await generateSigningKey(1)])
  })

  const issue = () =>
    createAccessTokens({ signingKeys, now: () => issuedAt, newId: () => 'token-1' }, options).issue(user)

  it('signs with ES256 under the newest key and states who the user is', async () => {
    const { accessToken, expiresIn } = await issue()
    expect(expiresIn).toBe(600)
    expect(decodeProtectedHeader(accessToken)).toEqual({ alg: 'ES256', kid: signingKeys.current.kid, typ: 'JWT' })
    const { payload } = await jwtVerify(accessToken, createLocalJWKSet(signingKeys.jwks), {
      ...options,
      algorithms: ['ES256'],
      currentDate: new Date(issuedAt.getTime() + 1000),
    })
    expect(payload).toEqual({
      iss: 'seams-users',
      aud: 'seams-shop',
      sub: user.id,
      role: 'admin',
      email: 'ada@example.com',
      iat: issuedAtSeconds,
      exp: issuedAtSeconds + 600,
      jti: 'token-1',
    })
  })

  it('is refused once expired and by another audience', async () => {
    const { accessToken } = await issue()
    const keys = createLocalJWKSet(signingKeys.jwks)
    const expired = jwtVerify(accessToken, keys, { ...options, currentDate: new Date((issuedAtSeconds + 601) * 1000) })
    await expect(expired).rejects.toBeInstanceOf(errors.JWTExpired)
    const elsewhere = jwtVerify(accessToken, keys, { ...options, audience: 'another-shop', currentDate: issuedAt })
    await expect(elsewhere).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed)
  })

  it('publishes only public key material in the JWKS', () => {
    expect(signingKeys.jwks.keys).toHaveLength(2)
    for (const key of signingKeys.jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
    }
  })
})
