import type { ServiceApp } from '@seams/service-kit'
import type { JsonWebKeySet, LoginResponse } from '@shop/users-contracts'
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUsersUnderTest, testTokenClaims, type UsersUnderTest } from '../users-under-test.ts'
import { loadSigningKeys, type SigningKeys } from './signing-keys.ts'

const password = 'correct horse battery'

describe('access tokens', () => {
  let users: UsersUnderTest
  let app: ServiceApp

  beforeAll(async () => {
    users = await createUsersUnderTest()
    app = await users.buildApp()
  })

  afterAll(async () => {
    await users?.close()
  })

  const anonymous = () => users.identities.headersFor('users')
  const jwksOf = async (served: ServiceApp) =>
    (await served.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JsonWebKeySet

  async function signUpAndLogIn(on: ServiceApp, email: string): Promise<LoginResponse> {
    const registered = await on.inject({
      method: 'POST',
      url: '/users',
      headers: await anonymous(),
      payload: { email, name: 'Token Holder', password },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    return loginOn(on, email)
  }

  async function loginOn(on: ServiceApp, email: string): Promise<LoginResponse> {
    const response = await on.inject({
      method: 'POST',
      url: '/auth/login',
      headers: await anonymous(),
      payload: { email, password },
    })
    expect(response.statusCode, response.body).toBe(200)
    return response.json()
  }

  it('issues ES256 tokens that verify against the JWKS it serves over HTTP', async () => {
    const { accessToken, expiresIn, user } = await signUpAndLogIn(app, 'token@example.com')
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const remote = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(accessToken, remote, {
      issuer: testTokenClaims.issuer,
      audience: testTokenClaims.audience,
      algorithms: ['ES256'],
    })
    const [key] = (await jwksOf(app)).keys
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: key!.kid })
    expect(payload).toMatchObject({ sub: user.id, role: 'customer', email: 'token@example.com' })
    expect(payload.exp! - payload.iat!).toBe(expiresIn)
    expect(payload.exp! * 1000).toBeGreaterThan(Date.now())
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
    await expect(
      jwtVerify(accessToken, remote, { issuer: testTokenClaims.issuer, audience: 'someone-else' }),
    ).rejects.toThrow(/aud/)
    await expect(
      jwtVerify(accessToken, remote, { issuer: 'someone-else', audience: testTokenClaims.audience }),
    ).rejects.toThrow(/iss/)
  })

  it('keeps its signing key across a restart, and old password hashes after a cost change', async () => {
    const before = await jwksOf(app)
    const issuedBefore = await signUpAndLogIn(app, 'restart@example.com')
    const restarted = await users.buildApp({ scryptCost: 2048 })
    expect(await jwksOf(restarted)).toEqual(before)
    const keys = createLocalJWKSet(await jwksOf(restarted))
    await expect(
      jwtVerify(issuedBefore.accessToken, keys, { ...testTokenClaims, algorithms: ['ES256'] }),
    ).resolves.toBeDefined()
    const issuedAfter = await loginOn(restarted, 'restart@example.com')
    await expect(
      jwtVerify(issuedAfter.accessToken, keys, { ...testTokenClaims, algorithms: ['ES256'] }),
    ).resolves.toBeDefined()
    expect(Number((await users.sql`select count(*) as n from signing_keys`)[0]!['n'])).toBe(1)
  })
})

describe('signing keys', () => {
  let fresh: UsersUnderTest

  beforeAll(async () => {
    fresh = await createUsersUnderTest()
  })

  afterAll(async () => {
    await fresh?.close()
  })

  it('agree on one key when replicas create it at the same time', async () => {
    const outcomes = await fresh.raceReplicas(4, 'signing_keys', loadSigningKeys)
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
    const replicas = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<SigningKeys>).value)
    const kids = new Set(replicas.map((keys) => keys.current.kid))
    expect(kids.size).toBe(1)
    expect(replicas.every((keys) => keys.jwks.keys.length === 1)).toBe(true)
    expect(await fresh.sql`select kid from signing_keys`).toEqual([{ kid: [...kids][0] }])
  })
})
