import type { ActingUser } from '@seams/service-kit'
import { JWKS_PATH } from '@shop/users-contracts'
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'
import { LRUCache } from 'lru-cache'
import { IdentityProviderUnavailable, InvalidAccessToken } from '../errors.ts'
import { actingUserOf } from './bearer-token.ts'

/** Turns an end user's access token into the user it names. */
export interface AccessTokenVerifier {
  /** Throws InvalidAccessToken (401), or IdentityProviderUnavailable (503) when the keys cannot be had. */
  verify(token: string): Promise<ActingUser>
}

export interface AccessTokenVerifierOptions {
  /** Required `iss`. */
  issuer: string
  /** Required `aud`. */
  audience: string
}

// The users service signs with ES256 only; pinning it refuses `none`, and HS256 tokens "signed" with a public key.
const algorithms = ['ES256']

/**
 * The users service's public keys, fetched from its JWKS and cached by jose: refreshed after ten
 * minutes, or when a token names a key not seen yet (at most every 30 s, so forged `kid`s cannot
 * make the gateway hammer the users service).
 */
export function usersSigningKeys(usersUrl: string, options: { timeoutMs: number }): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(usersUrl.replace(/\/$/, '') + JWKS_PATH), { timeoutDuration: options.timeoutMs })
}

// Only a key set that cannot be had (the fetch failed, timed out, or brought no usable set) is the
// gateway's problem; every other JOSE error is about the token and reads as one.
function isKeySetUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === errors.JOSEError.code
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

export function createAccessTokenVerifier(keys: JWTVerifyGetKey, options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const resolveKey = distinguishUnavailableKeys(keys)
  const verifiedClaims = async (token: string) => {
    try {
      return (await jwtVerify(token, resolveKey, { algorithms, issuer: options.issuer, audience: options.audience, requiredClaims: ['exp', 'sub'] })).payload
    } catch (error) {
      if (error instanceof IdentityProviderUnavailable) throw error
      throw new InvalidAccessToken(undefined, { cause: error })
    }
  }
  // An ES256 verification costs more CPU than forwarding the request: a token verified once is
  // remembered until it expires (only valid tokens are remembered, so a forger gains nothing).
  const verified = new LRUCache<string, { user: ActingUser; expiresAt: number }>({ max: 20_000 })
  return {
    async verify(token) {
      const hit = verified.get(token)
      if (hit !== undefined && hit.expiresAt > Date.now()) return hit.user
      const claims = await verifiedClaims(token)
      const user = actingUserOf(claims)
      if (user === undefined) throw new InvalidAccessToken()
      verified.set(token, { user, expiresAt: (claims.exp ?? 0) * 1000 })
      return user
    },
  }
}
