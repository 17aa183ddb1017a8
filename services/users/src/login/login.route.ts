import { problemFromError } from '@seams/core'
import { apiSecurity, problemsOf, sendProblem, type Logger, type ServiceApp, type Sql } from '@seams/service-kit'
import { LoginRequest, LoginResponse, usersErrorCodes } from '@shop/users-contracts'
import type { AccessTokens } from '../access-tokens/access-tokens.ts'
import { InvalidCredentials, LOGIN_THROTTLED_CODE, PasswordHashingBusy } from '../errors.ts'
import { HASHING_RETRY_AFTER_SECONDS, type PasswordHasher } from '../passwords/password-hasher.ts'
import { throttledProblem } from '../throttling/throttled-problem.ts'
import { findCredentials, upgradePasswordHash } from '../users/user-store.ts'
import type { LoginThrottle } from './login-throttle.ts'

export interface LoginDeps {
  sql: Sql
  passwords: PasswordHasher
  accessTokens: AccessTokens
  throttle: LoginThrottle
  logger: Logger
}

export function loginRoutes(app: ServiceApp, deps: LoginDeps): void {
  // Password login: an access token for an active user. Every failure gets the same answer after the
  // same work (an unknown email is checked against a dummy hash), so neither body nor timing tells
  // whether the email, the password or the account's status was wrong; unknown emails are throttled
  // exactly like accounts, so a 429 tells nothing either.
  app.post(
    '/auth/login',
    {
      schema: {
        summary: 'Log in with email and password',
        operationId: 'logIn',
        tags: ['auth'],
        security: apiSecurity.userOrService,
        problems: problemsOf(
          usersErrorCodes,
          'USERS_INVALID_CREDENTIALS',
          'USERS_LOGIN_THROTTLED',
          'USERS_PASSWORD_HASHING_BUSY',
          'USERS_PASSWORD_HASH_INVALID',
        ),
        description: loginDescription,
        body: LoginRequest,
        response: { 200: LoginResponse },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body
      const throttled = await deps.throttle.admit(email)
      if (throttled !== undefined) {
        const detail =
          throttled.reason === 'account' ? 'Too many login attempts for this email' : 'Too many failed logins right now'
        return sendProblem(
          reply.header('retry-after', String(throttled.retryAfterSeconds)),
          throttledProblem(request.url, throttled, LOGIN_THROTTLED_CODE, detail),
        )
      }
      const account = await findCredentials(deps.sql, email)
      let passwordMatches: boolean
      try {
        passwordMatches = await deps.passwords.verify(password, account?.passwordHash)
      } catch (error) {
        if (!(error instanceof PasswordHashingBusy)) throw error
        // Shed before the password was checked: no guess was made, so none is counted.
        await deps.throttle.abandoned(email)
        return sendProblem(reply.header('retry-after', String(HASHING_RETRY_AFTER_SECONDS)), {
          ...problemFromError(error),
          instance: request.url,
        })
      }
      // A deactivated account counts its right password as a failure too: a reset would tell a guesser it was right.
      if (account === undefined || !passwordMatches || account.user.status !== 'active') {
        await deps.throttle.failed(email)
        throw new InvalidCredentials()
      }
      await deps.throttle.succeeded(email)
      if (deps.passwords.needsRehash(account.passwordHash))
        await upgrade(deps, account.user.id, account.passwordHash, password)
      const { accessToken, expiresIn } = await deps.accessTokens.issue(account.user)
      // A bearer token must not be kept by any cache on the way (RFC 6749 §5.1).
      return reply
        .header('cache-control', 'no-store')
        .send({ accessToken, tokenType: 'Bearer' as const, expiresIn, user: account.user })
    },
  )
}

// The only moment the plain password is at hand: a hash made under older parameters is made again now.
async function upgrade(deps: LoginDeps, userId: string, from: string, password: string): Promise<void> {
  try {
    await upgradePasswordHash(deps.sql, userId, from, await deps.passwords.hash(password))
  } catch (error) {
    // Under load the login matters more than the upgrade, which the next login tries again.
    if (!(error instanceof PasswordHashingBusy)) throw error
    deps.logger.debug({ userId }, 'password hash upgrade shed; it is tried again on the next login')
  }
}

const loginDescription =
  'Wrong credentials, an unknown email and a deactivated account all get the same 401. Attempts are counted per ' +
  'email (existing or not) across every replica: five at once, then each further attempt waits twice as long as the ' +
  'last (1 s up to 15 min), and a successful login starts the count again; refused attempts get 429 with Retry-After ' +
  'and `reason: "account"`. When failed logins across all accounts exceed the service\'s limit per minute, every ' +
  'login gets 429 with `reason: "global"` until the minute is over. 503 with Retry-After: too many passwords are ' +
  'being checked at once.'
