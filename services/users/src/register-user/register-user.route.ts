import { problemFromError, type Clock, type IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { apiSecurity, problemsOf, sendProblem, type ServiceApp } from '@seams/service-kit'
import { RegisterUserRequest, User, usersErrorCodes } from '@shop/users-contracts'
import { DuplicateEmail, PasswordHashingBusy, REGISTRATION_THROTTLED_CODE } from '../errors.ts'
import { HASHING_RETRY_AFTER_SECONDS, type PasswordHasher } from '../passwords/password-hasher.ts'
import { throttledProblem } from '../throttling/throttled-problem.ts'
import { userRegistered } from '../users/user-events.ts'
import { insertUserUnlessEmailTaken } from '../users/user-store.ts'
import type { RegistrationLimit } from './registration-limit.ts'

export interface RegisterUserDeps {
  outbox: Outbox
  passwords: PasswordHasher
  limit: RegistrationLimit
  newId: IdGenerator
  now: Clock
}

export function registerUserRoutes(app: ServiceApp, deps: RegisterUserDeps): void {
  const { outbox } = deps

  // Sign-up: anyone the gateway forwards may create a customer account; an email is used once, in any letter case.
  app.post(
    '/users',
    {
      schema: {
        summary: 'Register a customer',
        operationId: 'registerUser',
        tags: ['users'],
        security: apiSecurity.userOrService,
        problems: problemsOf(
          usersErrorCodes,
          'USERS_DUPLICATE_EMAIL',
          'USERS_REGISTRATION_THROTTLED',
          'USERS_PASSWORD_HASHING_BUSY',
        ),
        description: registrationDescription,
        body: RegisterUserRequest,
        response: { 201: User },
      },
    },
    async (request, reply) => {
      const { email, name, password } = request.body
      const throttled = await deps.limit.admit(email)
      if (throttled !== undefined) {
        const detail =
          throttled.reason === 'email' ? 'Too many sign-ups with this email' : 'Too many sign-ups right now'
        return sendProblem(
          reply.header('retry-after', String(throttled.retryAfterSeconds)),
          throttledProblem(request.url, throttled, REGISTRATION_THROTTLED_CODE, detail),
        )
      }
      // Hashing is the slow part, so it happens before the transaction rather than while holding it open.
      let passwordHash: string
      try {
        passwordHash = await deps.passwords.hash(password)
      } catch (error) {
        if (!(error instanceof PasswordHashingBusy)) throw error
        await deps.limit.abandoned(email)
        return sendProblem(reply.header('retry-after', String(HASHING_RETRY_AFTER_SECONDS)), {
          ...problemFromError(error),
          instance: request.url,
        })
      }
      const registered = await outbox.transaction(async (tx) => {
        const user = await insertUserUnlessEmailTaken(tx, {
          id: deps.newId(),
          email,
          name,
          role: 'customer',
          passwordHash,
        })
        if (user !== undefined) await outbox.enqueue(tx, userRegistered(deps, user, request.trace))
        return user
      })
      if (registered === undefined) throw new DuplicateEmail()
      return reply.code(201).send(registered)
    },
  )
}

const registrationDescription =
  'An email already registered (in any letter case) gets 409 `USERS_DUPLICATE_EMAIL`: the shop sends no email, so ' +
  'telling the visitor at once is the only way they learn to log in instead; this does reveal that an address has an ' +
  'account, so sign-ups are limited to 5 per email per hour and a number per minute across the service (429 ' +
  '`USERS_REGISTRATION_THROTTLED` with Retry-After and `reason: "email"` or `"global"`), on top of the gateway\'s ' +
  'per-client limit. 503 with Retry-After: too many passwords are being hashed at once.'
