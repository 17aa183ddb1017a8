import { createPrivateKey } from 'node:crypto'
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { createAccessTokenVerifier } from './access-tokens.ts'
import { createServiceAuth, generateServiceKeyPair, type ServiceKeyPair } from './service-auth.ts'

const names = ['gateway', 'orders', 'catalog', 'operator'] as const
const keys = Object.fromEntries(names.map((name) => [name, generateServiceKeyPair()])) as Record<
  (typeof names)[number],
  ServiceKeyPair
>
const publicKeys = Object.fromEntries(names.map((name) => [name, keys[name].publicKey]))

const identityProvider = await generateKeyPair('ES256')
const users = createAccessTokenVerifier(
  createLocalJWKSet({ keys: [{ ...(await exportJWK(identityProvider.publicKey)), kid: 'k1', alg: 'ES256' }] }),
  { issuer: 'idp', audience: 'shop' },
)
const userToken = (sub: string, role = 'customer') =>
  new SignJWT({ role })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer('idp')
    .setAudience('shop')
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(identityProvider.privateKey)

const authOf = (service: (typeof names)[number], peers = publicKeys) =>
  createServiceAuth({ service, privateKey: keys[service].privateKey, peers, users })

describe('service identities', () => {
  const catalog = authOf('catalog')

  it('tells an end user, an anonymous client and a service on its own behalf apart', async () => {
    const fromGateway = await authOf('gateway').tokenFor('catalog')
    await expect(catalog.authenticate(fromGateway, await userToken('u1'))).resolves.toEqual({
      kind: 'user',
      service: 'gateway',
      user: { id: 'u1', role: 'customer' },
    })
    await expect(catalog.authenticate(fromGateway, undefined)).resolves.toEqual({
      kind: 'anonymous',
      service: 'gateway',
    })
    // The edge's own business (reading a feed) is asked for explicitly, never by forwarding.
    const ownBehalf = await authOf('gateway').tokenFor('catalog', { ownBehalf: true })
    await expect(catalog.authenticate(ownBehalf, await userToken('u1', 'admin'))).resolves.toEqual({
      kind: 'service',
      service: 'gateway',
    })
    // Only an edge carries users: a user token sent along by orders does not make its call the user's.
    const fromOrders = await authOf('orders').tokenFor('catalog')
    await expect(catalog.authenticate(fromOrders, await userToken('u1', 'admin'))).resolves.toEqual({
      kind: 'service',
      service: 'orders',
    })
  })

  it(
    'refuses a token for another audience, ' + 'from a key it was not given, or with a name its key does not hold',
    async () => {
      await expect(
        authOf('orders').authenticate(await authOf('gateway').tokenFor('catalog'), undefined),
      ).rejects.toThrow('invalid or expired')
      // Another deployment's gateway: the same name, another key.
      const stranger = createServiceAuth({
        service: 'gateway',
        privateKey: generateServiceKeyPair().privateKey,
        peers: {},
      })
      await expect(catalog.authenticate(await stranger.tokenFor('catalog'), undefined)).rejects.toThrow(
        'invalid or expired',
      )
      // The gateway's key claiming to be orders, in the key id or in the issuer.
      const gatewayKey = createPrivateKey({
        key: Buffer.from(keys.gateway.privateKey, 'base64url'),
        format: 'der',
        type: 'pkcs8',
      })
      const claim = (kid: string, iss: string) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid })
          .setIssuer(iss)
          .setAudience('catalog')
          .setExpirationTime('1m')
          .sign(gatewayKey)
      await expect(catalog.authenticate(await claim('orders', 'orders'), undefined)).rejects.toThrow(
        'invalid or expired',
      )
      await expect(catalog.authenticate(await claim('gateway', 'orders'), undefined)).rejects.toThrow(
        'invalid or expired',
      )
      const unsigned = new UnsecuredJWT({}).setIssuer('orders').setAudience('catalog').setExpirationTime('1m').encode()
      await expect(catalog.authenticate(unsigned, undefined)).rejects.toThrow('invalid or expired')
      // Known callers this service was not told about are strangers too.
      const narrow = authOf('catalog', { gateway: keys.gateway.publicKey })
      await expect(narrow.authenticate(await authOf('operator').tokenFor('catalog'), undefined)).rejects.toThrow(
        'invalid or expired',
      )
    },
  )

  it('refuses a forged end user: wrong signer, none algorithm, expired', async () => {
    const fromGateway = await authOf('gateway').tokenFor('catalog')
    const otherProvider = await generateKeyPair('ES256')
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('idp')
      .setAudience('shop')
      .setSubject('u1')
      .setExpirationTime('15m')
      .sign(otherProvider.privateKey)
    await expect(catalog.authenticate(fromGateway, forged)).rejects.toThrow('Invalid or expired token')
    const none = new UnsecuredJWT({ role: 'admin' })
      .setIssuer('idp')
      .setAudience('shop')
      .setSubject('u1')
      .setExpirationTime('15m')
      .encode()
    await expect(catalog.authenticate(fromGateway, none)).rejects.toThrow('Invalid or expired token')
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('idp')
      .setAudience('shop')
      .setSubject('u1')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(identityProvider.privateKey)
    await expect(catalog.authenticate(fromGateway, expired)).rejects.toThrow('Invalid or expired token')
  })

  it('costs the same however many users there are: one token per audience, each user token verified once', async () => {
    const gateway = authOf('gateway')
    const audiences = ['orders', 'catalog', 'payments', 'users', 'order-history']
    const tokens = new Set(
      await Promise.all(
        Array.from({ length: 5000 }, (_, index) => gateway.tokenFor(audiences[index % audiences.length]!)),
      ),
    )
    expect(tokens.size).toBe(audiences.length)

    const jwks = createLocalJWKSet({
      keys: [{ ...(await exportJWK(identityProvider.publicKey)), kid: 'k1', alg: 'ES256' }],
    })
    const verifications = vi.fn(jwks)
    const counting = createAccessTokenVerifier(verifications, { issuer: 'idp', audience: 'shop' })
    const service = createServiceAuth({
      service: 'catalog',
      privateKey: keys.catalog.privateKey,
      peers: publicKeys,
      users: counting,
    })
    const fromGateway = await gateway.tokenFor('catalog')
    const userTokens = await Promise.all(Array.from({ length: 200 }, (_, index) => userToken(`u${index}`)))
    for (let round = 0; round < 3; round += 1)
      await Promise.all(userTokens.map((token) => service.authenticate(fromGateway, token)))
    expect(verifications).toHaveBeenCalledTimes(userTokens.length)
  })
})
