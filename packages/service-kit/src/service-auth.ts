import { jwtVerify, SignJWT } from 'jose'
import { LRUCache } from 'lru-cache'
import { ServiceTokenInvalid } from './errors.ts'

/** The end user a call is made on behalf of, as established by the edge that authenticated them. */
export interface ActingUser {
  id: string
  role: string
}

/** Who is calling a service: another service, possibly on behalf of a user. */
export interface Caller {
  service: string
  user?: ActingUser
}

export interface ServiceTokens {
  /** A short-lived token for calling `audience`, optionally carrying the user the call acts for. */
  mint(audience: string, user?: ActingUser): Promise<string>
  /** Checks signature, expiry and that the token was minted for this service. */
  verify(token: string): Promise<Caller>
}

export interface ServiceTokensOptions {
  /** This service's name: the issuer of the tokens it mints and the audience of those it accepts. */
  service: string
  /** Shared secret of the deployment (at least 32 bytes). */
  secret: string
  /**
   * Lifetime of a minted token.
   * @default 60
   */
  ttlSeconds?: number
  /**
   * Tokens remembered, minted and verified each. A gateway mints one per user and service called, so this
   * must exceed active users times services, or every call signs anew: 10,000 thrashed at 5,000 users.
   * @default 100_000
   */
  cacheSize?: number
}

const algorithm = 'HS256'

/**
 * Service-to-service tokens: HS256 JWTs signed with the deployment's shared secret, valid for a minute.
 * Minted and verified tokens are cached, so a hot path pays for signing once per caller, audience and
 * user per half lifetime.
 */
export function createServiceTokens(options: ServiceTokensOptions): ServiceTokens {
  const secret = new TextEncoder().encode(options.secret)
  if (secret.byteLength < 32) throw new TypeError('service token secret must be at least 32 bytes')
  // Imported once: given raw bytes, jose imports a WebCrypto key on every sign and verify.
  const key = crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  const ttl = options.ttlSeconds ?? 60
  const cacheSize = options.cacheSize ?? 100_000
  const minted = new LRUCache<string, { token: string; renewAt: number }>({ max: cacheSize })
  const verified = new LRUCache<string, { caller: Caller; expiresAt: number }>({ max: cacheSize })

  return {
    async mint(audience, user) {
      const cacheKey = `${audience}\u0000${user?.id ?? ''}\u0000${user?.role ?? ''}`
      const now = Date.now()
      const hit = minted.get(cacheKey)
      if (hit !== undefined && hit.renewAt > now) return hit.token
      const jwt = new SignJWT(user === undefined ? {} : { role: user.role })
        .setProtectedHeader({ alg: algorithm })
        .setIssuer(options.service)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(now / 1000) + ttl)
      if (user !== undefined) jwt.setSubject(user.id)
      const token = await jwt.sign(await key)
      minted.set(cacheKey, { token, renewAt: now + (ttl * 1000) / 2 })
      return token
    },
    async verify(token) {
      const now = Date.now()
      const hit = verified.get(token)
      if (hit !== undefined && hit.expiresAt > now) return hit.caller
      try {
        const { payload } = await jwtVerify(token, await key, { algorithms: [algorithm], audience: options.service, requiredClaims: ['iss', 'exp'] })
        const caller: Caller = { service: payload.iss! }
        if (payload.sub !== undefined) caller.user = { id: payload.sub, role: String(payload['role'] ?? '') }
        verified.set(token, { caller, expiresAt: payload.exp! * 1000 })
        return caller
      } catch (error) {
        throw new ServiceTokenInvalid('The service token is invalid or expired', { cause: error })
      }
    },
  }
}
