import { USER_TOKEN_HEADER } from '@seams/core'
import {
  createAccessTokenVerifier,
  createServiceAuth,
  generateServiceKeyPair,
  type ActingUser,
  type ServiceAuth,
  type ServiceKeyPair,
} from '@seams/service-kit'
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'

export interface TestIdentities {
  /** The identity of `service`, accepting every other identity of the set, with `gateway` as the edge. */
  authOf(service: string): ServiceAuth
  /** An end user's access token, signed like the identity provider signs them. */
  userToken(user: ActingUser, options?: { expiresInSeconds?: number }): Promise<string>
  /**
   * Headers of a call to `audience`: as `as` (default the gateway), for `user` when given. A call as the
   * gateway without a user is an anonymous client's.
   */
  headersFor(audience: string, options?: { as?: string; user?: ActingUser }): Promise<Record<string, string>>
  /** Public keys of the set, as SERVICE_PUBLIC_KEYS lists them. */
  readonly publicKeys: Readonly<Record<string, string>>
}

export const testTokenIssuer = 'seams-users'
export const testTokenAudience = 'seams-shop'

/**
 * Real keys for a test's identities (services, `operator`) and a real ES256 identity provider, so that
 * in-process specs authenticate exactly as deployed services do: nothing is stubbed, only the keys are
 * made on the spot. Names outside `names` have no key, which is how a spec plays an unknown caller.
 */
export async function createTestIdentities(
  names: readonly string[] = ['gateway', 'users', 'catalog', 'orders', 'payments', 'order-history', 'operator'],
): Promise<TestIdentities> {
  const pairs = new Map<string, ServiceKeyPair>(names.map((name) => [name, generateServiceKeyPair()]))
  const publicKeys = Object.fromEntries([...pairs].map(([name, pair]) => [name, pair.publicKey]))
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256' }
  const users = createAccessTokenVerifier(createLocalJWKSet({ keys: [jwk] }), {
    issuer: testTokenIssuer,
    audience: testTokenAudience,
  })
  const auths = new Map<string, ServiceAuth>()
  const authOf = (service: string) => {
    let auth = auths.get(service)
    const pair = pairs.get(service)
    if (pair === undefined) throw new TypeError(`${service} is not one of the test identities ${names.join(', ')}`)
    if (auth === undefined)
      auths.set(service, (auth = createServiceAuth({ service, privateKey: pair.privateKey, peers: publicKeys, users })))
    return auth
  }
  const userToken = (user: ActingUser, options: { expiresInSeconds?: number } = {}) =>
    signUserToken(privateKey, user, options.expiresInSeconds ?? 900)
  return {
    authOf,
    userToken,
    publicKeys,
    async headersFor(audience, options = {}) {
      const headers: Record<string, string> = {
        authorization: `Bearer ${await authOf(options.as ?? 'gateway').tokenFor(audience)}`,
      }
      if (options.user !== undefined) headers[USER_TOKEN_HEADER] = await userToken(options.user)
      return headers
    },
  }
}

async function signUserToken(key: CryptoKey, user: ActingUser, expiresInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ role: user.role, email: `${user.id}@example.com` })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })
    .setIssuer(testTokenIssuer)
    .setAudience(testTokenAudience)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(key)
}
