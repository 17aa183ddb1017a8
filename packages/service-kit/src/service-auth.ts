import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose'
import { LRUCache } from 'lru-cache'
import type { AccessTokenVerifier, ActingUser } from './access-tokens.ts'
import { ServiceTokenInvalid } from './errors.ts'

/**
 * Who is behind a request. An edge (the gateway) forwards end users: with their access token the call
 * is the user's, without one it is anonymous, whatever the edge itself may do. Any other identity
 * calls on its own behalf and never for a user.
 */
export type Caller =
  | { kind: 'user'; service: string; user: ActingUser }
  | { kind: 'anonymous'; service: string }
  | { kind: 'service'; service: string }

/** An Ed25519 key pair, each half as base64url DER (PKCS #8 and SPKI): one line, fit for an environment variable. */
export interface ServiceKeyPair {
  privateKey: string
  publicKey: string
}

export function generateServiceKeyPair(): ServiceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64url'),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64url'),
  }
}

export interface ServiceAuth {
  /** This identity's name: the issuer of its tokens and the audience of those it accepts. */
  readonly service: string
  /**
   * A token naming this identity, for calling `audience`; signed once per audience per half lifetime.
   * An edge's tokens forward end users (a call with none is anonymous) unless `ownBehalf` says the call is
   * the edge's own business, such as reading a feed; forwarding code never asks for that.
   */
  tokenFor(audience: string, options?: { ownBehalf?: boolean }): Promise<string>
  /** The caller behind a service token and, from an edge, the end user's access token. */
  authenticate(serviceToken: string, userToken: string | undefined): Promise<Caller>
}

export interface ServiceAuthOptions {
  service: string
  /** This identity's private key (see generateServiceKeyPair). */
  privateKey: string
  /** Public keys of the identities whose tokens are accepted, by name; a token from anyone else is refused. */
  peers: Readonly<Record<string, string>>
  /**
   * Identities that forward end users.
   * @default ['gateway']
   */
  edges?: readonly string[]
  /** Verifies end users' access tokens; without it, edge calls are all anonymous. */
  users?: AccessTokenVerifier
  /**
   * Lifetime of a token this identity signs.
   * @default 60
   */
  ttlSeconds?: number
}

const algorithm = 'EdDSA'

/**
 * Service identities: each service signs its tokens with its own Ed25519 key, and a service accepts a
 * token only from an identity whose public key it was given, so no service (the gateway included) can
 * claim to be another. The acting user is not signed by the caller at all: an edge forwards the user's
 * own access token, which only the identity provider can sign. So a service signs one token per
 * audience and verifies one per caller and audience, however many users there are; a user's access
 * token is verified once per service and remembered until it expires.
 */
export function createServiceAuth(options: ServiceAuthOptions): ServiceAuth {
  const privateKey = createPrivateKey({
    key: Buffer.from(options.privateKey, 'base64url'),
    format: 'der',
    type: 'pkcs8',
  })
  const peers = new Map<string, KeyObject>(
    Object.entries(options.peers).map(([name, key]) => [
      name,
      createPublicKey({ key: Buffer.from(key, 'base64url'), format: 'der', type: 'spki' }),
    ]),
  )
  const edges = new Set(options.edges ?? ['gateway'])
  const ttl = options.ttlSeconds ?? 60
  // The signing itself is remembered, so callers arriving together (a start under load) share one.
  const signed = new Map<string, { token: Promise<string>; renewAt: number }>()
  // Tokens are per caller and audience, not per user: a few hundred at most in a large deployment.
  const verified = new LRUCache<string, { service: string; ownBehalf: boolean; expiresAt: number }>({ max: 10_000 })

  async function verifyServiceToken(token: string): Promise<{ service: string; ownBehalf: boolean }> {
    const now = Date.now()
    const hit = verified.get(token)
    if (hit !== undefined && hit.expiresAt > now) return hit
    try {
      // The key is chosen by the name the token claims, and the name must be the issuer it signs for.
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header: JWTHeaderParameters) => {
          const key = peers.get(String(header.kid ?? ''))
          if (key === undefined)
            throw new ServiceTokenInvalid(`No key is known for ${String(header.kid ?? 'an unnamed caller')}`)
          return key
        },
        { algorithms: [algorithm], audience: options.service, requiredClaims: ['iss', 'exp'] },
      )
      if (payload.iss !== protectedHeader.kid)
        throw new ServiceTokenInvalid('The token names another issuer than its key')
      const caller = { service: payload.iss!, ownBehalf: payload['own'] === true }
      verified.set(token, { ...caller, expiresAt: payload.exp! * 1000 })
      return caller
    } catch (error) {
      throw new ServiceTokenInvalid('The service token is invalid or expired', { cause: error })
    }
  }

  return {
    service: options.service,
    tokenFor(audience, tokenOptions = {}) {
      const now = Date.now()
      const key = `${audience}${tokenOptions.ownBehalf === true ? '\u0000own' : ''}`
      const hit = signed.get(key)
      if (hit !== undefined && hit.renewAt > now) return hit.token
      const token = new SignJWT(tokenOptions.ownBehalf === true ? { own: true } : {})
        .setProtectedHeader({ alg: algorithm, kid: options.service })
        .setIssuer(options.service)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(now / 1000) + ttl)
        .sign(privateKey)
      signed.set(key, { token, renewAt: now + (ttl * 1000) / 2 })
      token.catch(() => signed.delete(key))
      return token
    },
    async authenticate(serviceToken, userToken) {
      const { service, ownBehalf } = await verifyServiceToken(serviceToken)
      if (!edges.has(service) || ownBehalf) return { kind: 'service', service }
      if (userToken === undefined || options.users === undefined) return { kind: 'anonymous', service }
      return { kind: 'user', service, user: await options.users.verify(userToken) }
    },
  }
}
