import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { LRUCache } from 'lru-cache'
import { AccessTokenInvalid, IdentityProviderUnavailable } from './errors.ts'

/** The end user a call is made on behalf of, as their access token names them. */
export interface ActingUser {
  id: string
  role: string
}

/** Turns an end user's access token into the user it names. */
export interface AccessTokenVerifier {
  /** Throws AccessTokenInvalid (401), or IdentityProviderUnavailable (503) when the keys cannot be had. */
  verify(token: string): Promise<ActingUser>
}

export interface AccessTokenVerifierOptions {
  /** Required `iss`. */
  issuer: string
  /** Required `aud`. */
  audience: string
  /**
   * The user a token with a valid signature names, or undefined when its claims break the identity
   * provider's contract.
   * @default a non-empty `sub` and `role`
   */
  userOf?: (claims: JWTPayload) => ActingUser | undefined
  /**
   * Verified tokens remembered until they expire.
   * @default 20_000
   */
  cacheSize?: number
}

// The identity provider signs with ES256 only; pinning it refuses `none`, and HS256 tokens "signed" with a public key.
const algorithms = ['ES256']

/**
 * The identity provider's public keys, fetched from its JWKS and cached by jose: refreshed after ten
 * minutes, or when a token names a key not seen yet (at most every 30 s, so forged `kid`s cannot make a
 * verifier hammer the provider).
 */
export function remoteSigningKeys(jwksUrl: string, options: { timeoutMs: number }): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: options.timeoutMs })
}

// Only a key set that cannot be had (the fetch failed, timed out, or brought no usable set) is the
// verifier's problem; every other JOSE error is about the token and reads as one.
function isKeySetUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true
  return (
    error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code
  )
}

function distinguishUnavailableKeys(keys: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await keys(header, token)
    } catch (error) {
      throw isKeySetUnavailable(error) ? new IdentityProviderUnavailable(undefined, { cause: error }) : error
    }
  }
}

function namedUser(claims: JWTPayload): ActingUser | undefined {
  const role = claims['role']
  if (typeof claims.sub !== 'string' || claims.sub === '' || typeof role !== 'string' || role === '') return undefined
  return { id: claims.sub, role }
}

export function createAccessTokenVerifier(
  keys: JWTVerifyGetKey,
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const resolveKey = distinguishUnavailableKeys(keys)
  const userOf = options.userOf ?? namedUser
  const verifiedClaims = async (token: string) => {
    try {
      return (
        await jwtVerify(token, resolveKey, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['exp', 'sub'],
        })
      ).payload
    } catch (error) {
      if (error instanceof IdentityProviderUnavailable) throw error
      throw new AccessTokenInvalid(undefined, { cause: error })
    }
  }
  // An ES256 verification costs more CPU than serving most requests: a token verified once is
  // remembered until it expires (only valid tokens are remembered, so a forger gains nothing).
  const verified = new LRUCache<string, { user: ActingUser; expiresAt: number }>({ max: options.cacheSize ?? 20_000 })
  return {
    async verify(token) {
      const hit = verified.get(token)
      if (hit !== undefined && hit.expiresAt > Date.now()) return hit.user
      const claims = await verifiedClaims(token)
      const user = userOf(claims)
      if (user === undefined) throw new AccessTokenInvalid()
      verified.set(token, { user, expiresAt: (claims.exp ?? 0) * 1000 })
      return user
    },
  }
}
