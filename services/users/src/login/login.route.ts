import type { ServiceApp, Sql } from '@seams/service-kit'
import { LoginRequest, LoginResponse } from '@shop/users-contracts'
import type { AccessTokens } from '../access-tokens/access-tokens.ts'
import { InvalidCredentials } from '../errors.ts'
import type { PasswordHasher } from '../passwords/password-hasher.ts'
import { findCredentials } from '../users/user-store.ts'

export interface LoginDeps {
  sql: Sql
  passwords: PasswordHasher
  accessTokens: AccessTokens
}

export function loginRoutes(app: ServiceApp, deps: LoginDeps): void {
  // Password login: an access token for an active user. Every failure gets the same answer after the
  // same work (an unknown email is checked against a dummy hash), so neither body nor timing tells
  // whether the email, the password or the account's status was wrong.
  app.post('/auth/login', { schema: { summary: 'Log in with email and password', tags: ['auth'], body: LoginRequest, response: { 200: LoginResponse } } }, async (request, reply) => {
    const { email, password } = request.body
    const account = await findCredentials(deps.sql, email)
    const passwordMatches = await deps.passwords.verify(password, account?.passwordHash)
    if (account === undefined || !passwordMatches || account.user.status !== 'active') throw new InvalidCredentials()
    const { accessToken, expiresIn } = await deps.accessTokens.issue(account.user)
    // A bearer token must not be kept by any cache on the way (RFC 6749 §5.1).
    return reply.header('cache-control', 'no-store').send({ accessToken, tokenType: 'Bearer' as const, expiresIn, user: account.user })
  })
}
