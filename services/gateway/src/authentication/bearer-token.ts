import type { ActingUser } from '@seams/service-kit'
import { AccessTokenClaims } from '@shop/users-contracts'
import Value from 'typebox/value'

export type BearerToken = { kind: 'absent' } | { kind: 'present'; token: string } | { kind: 'malformed' }

// RFC 6750 b64token; the scheme name is case-insensitive (RFC 9110 §11.1).
const bearerCredentials = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/** What the client's Authorization header holds; any other scheme counts as a malformed token. */
export function bearerTokenOf(authorization: string | undefined): BearerToken {
  if (authorization === undefined) return { kind: 'absent' }
  const match = bearerCredentials.exec(authorization)
  return match === null ? { kind: 'malformed' } : { kind: 'present', token: match[1]! }
}

/**
 * The end user a token with a valid signature names, or undefined when its claims break the users
 * service's published contract (no role, a role that does not exist, a subject that is no user id).
 */
export function actingUserOf(claims: unknown): ActingUser | undefined {
  if (!Value.Check(AccessTokenClaims, claims)) return undefined
  return { id: claims.sub, role: claims.role }
}
