import { randomUUID } from 'node:crypto'
import type { User } from '@shop/users-contracts'
import {
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
  UnsecuredJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shopClient, type ShopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type ShopUnderTest } from '../testing/shop-under-test.ts'

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

// The users service's own signing key, read from its database: only a token with a valid signature
// gets as far as the iss, aud and exp checks, so only such a token proves they are made.
async function readUsersSigningKey(databaseUrl: string): Promise<SigningKey> {
  const sql = postgres(databaseUrl, { max: 1 })
  try {
    const [row] = await sql<{ kid: string; publicJwk: JWK; privateJwk: JWK }[]>`
      select kid, public_jwk as "publicJwk", private_jwk as "privateJwk"
      from signing_keys order by generation desc limit 1`
    return {
      kid: row!.kid,
      privateKey: (await importJWK(row!.privateJwk, 'ES256')) as CryptoKey,
      publicJwk: row!.publicJwk,
    }
  } finally {
    await sql.end()
  }
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('access tokens at the gateway', () => {
  let shop: ShopUnderTest
  let client: ShopClient
  let customer: { user: User; token: string }
  let key: SigningKey

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users', 'catalog'] })
    client = shopClient(shop.gatewayUrl)
    customer = await client.signUp()
    key = await readUsersSigningKey(shop.shop.databaseUrls.users)
  })

  afterAll(async () => {
    await shop?.stop()
  })

  const claims = (): JWTPayload => ({
    role: customer.user.role,
    email: customer.user.email,
    sub: customer.user.id,
    iss: 'seams-users',
    aud: 'seams-shop',
  })
  const now = () => Math.floor(Date.now() / 1000)
  const sign = (
    payload: JWTPayload,
    signingKey: CryptoKey | Uint8Array = key.privateKey,
    header: { alg: string; kid?: string } = { alg: 'ES256', kid: key.kid },
  ) =>
    new SignJWT(payload)
      .setProtectedHeader(header)
      .setIssuedAt()
      .setExpirationTime(payload.exp ?? now() + 300)
      .sign(signingKey)

  const tokenCases: [string, () => Promise<string>][] = [
    ['expired', () => sign({ ...claims(), exp: now() - 60 })],
    ['for another audience', () => sign({ ...claims(), aud: 'another-shop' })],
    ['from another issuer', () => sign({ ...claims(), iss: 'evil-users' })],
    ['without a role', () => sign({ ...claims(), role: undefined })],
    ['unsigned (alg none)', async () => new UnsecuredJWT(claims()).setExpirationTime('5m').encode()],
    [
      'HS256-signed with the public key',
      async () =>
        sign(
          claims(),
          new TextEncoder().encode(await exportSPKI((await importJWK(key.publicJwk, 'ES256')) as CryptoKey)),
          { alg: 'HS256', kid: key.kid },
        ),
    ],
    [
      'with a tampered payload',
      async () => {
        const [header, , signature] = customer.token.split('.')
        return `${header}.${base64url({ ...claims(), role: 'admin', exp: now() + 300 })}.${signature}`
      },
    ],
    [
      'signed by an unknown key under the real kid',
      async () => sign(claims(), (await generateKeyPair('ES256')).privateKey),
    ],
    [
      'signed by an unknown key',
      async () => sign(claims(), (await generateKeyPair('ES256')).privateKey, { alg: 'ES256', kid: randomUUID() }),
    ],
    ['not a JWT at all', async () => 'not-a-jwt'],
  ]

  it('accepts a token made the way the users service makes them (the control for the refusals below)', async () => {
    const response = await client.send('GET', '/api/users/me', { token: await sign(claims()) })
    expect(response.status).toBe(200)
    expect(((await response.json()) as User).id).toBe(customer.user.id)
  })

  it.each(tokenCases)('refuses a token %s with 401 and nothing that helps a forger', async (_case, makeToken) => {
    const response = await client.send('GET', '/api/users/me', { token: await makeToken() })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    const { instance: _instance, ...problem } = (await response.json()) as Record<string, unknown>
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Invalid or expired token',
      code: 'SEAMS_KIT_ACCESS_TOKEN_INVALID',
    })
  })

  it('refuses other authorization schemes rather than treating the request as anonymous', async () => {
    const response = await fetch(`${shop.gatewayUrl}/api/products`, {
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    })
    expect(response.status).toBe(401)
  })

  it("answers 503 to requests with a token while the users service's keys cannot be fetched", async () => {
    // The customer has been browsing: the first replica knows the token and that its account is open.
    expect((await client.send('GET', '/api/products', { token: customer.token })).status).toBe(200)
    await shop.shop.stop('users')
    // A fresh replica has no keys cached yet; the first one verified them before users stopped.
    const fresh = await shop.startGateway()
    const withToken = await fetch(`${fresh.url}/api/products`, {
      headers: { authorization: `Bearer ${customer.token}` },
    })
    expect(withToken.status).toBe(503)
    expect(await withToken.json()).toMatchObject({ code: 'SEAMS_KIT_IDENTITY_PROVIDER_UNAVAILABLE' })
    expect((await fetch(`${fresh.url}/api/products`)).status).toBe(200)
    expect((await client.send('GET', '/api/products', { token: customer.token })).status).toBe(200)
  })
})
