import type { Clock, IdGenerator } from '@seams/core'
import type { User } from '@shop/users-contracts'
import { SignJWT } from 'jose'
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.ts'

export interface IssuedAccessToken {
  accessToken: string
  /** Seconds until it expires. */
  expiresIn: number
}

export interface AccessTokens {
  /** An ES256 JWT naming the user (`sub`), their `role` and `email`, for the gateway to verify with the JWKS. */
  issue(user: User): Promise<IssuedAccessToken>
}

export interface AccessTokensDeps {
  signingKeys: SigningKeys
  now: Clock
  newId: IdGenerator
}

export interface AccessTokensOptions {
  /** The `iss` claim. */
  issuer: string
  /** The `aud` claim: who the token is for. */
  audience: string
  /**
   * Lifetime of a token.
   * @default 900 (15 minutes)
   */
  ttlSeconds?: number
}

export function createAccessTokens(deps: AccessTokensDeps, options: AccessTokensOptions): AccessTokens {
  const ttlSeconds = options.ttlSeconds ?? 900
  return {
    async issue(user) {
      const issuedAt = Math.floor(deps.now().getTime() / 1000)
      const accessToken = await new SignJWT({ role: user.role, email: user.email })
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: deps.signingKeys.current.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(user.id)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .setJti(deps.newId())
        .sign(deps.signingKeys.current.privateKey)
      return { accessToken, expiresIn: ttlSeconds }
    },
  }
}
