import { problemFromError, type IdGenerator } from '@seams/core'
import {
  apiSecurity,
  isOwnerOrAdmin,
  problemsOf,
  requireUser,
  sendProblem,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { IdParams, RegisterUserRequest, UpdateProfileRequest, User, usersErrorCodes } from '@shop/users-contracts'
import { decideDeactivation } from '../../../../services/users/src/deactivate-user/deactivate-user.ts'
import {
  DuplicateEmail,
  PasswordHashingBusy,
  REGISTRATION_THROTTLED_CODE,
  UserDeactivated,
  UserNotFound,
} from '../../../../services/users/src/errors.ts'
import {
  HASHING_RETRY_AFTER_SECONDS,
  type PasswordHasher,
} from '../../../../services/users/src/passwords/password-hasher.ts'
import type { RegistrationLimit } from '../../../../services/users/src/register-user/registration-limit.ts'
import { throttledProblem } from '../../../../services/users/src/throttling/throttled-problem.ts'
import { decideProfileChange } from '../../../../services/users/src/update-profile/update-profile.ts'
import {
  cancelOpenOrdersOf,
  findUserByEmail,
  insertUserUnlessEmailTaken,
  lockUser,
  markDeactivated,
  renameUser,
} from '../dal/index.ts'

export interface ManageAccountsDeps {
  sql: Sql
  passwords: PasswordHasher
  limit: RegistrationLimit
  newId: IdGenerator
}

/** The configured admin exists after start; an account already holding the email is left as it is. */
export async function ensureAdmin(
  deps: Pick<ManageAccountsDeps, 'sql' | 'passwords' | 'newId'>,
  admin: { email: string; password: string },
): Promise<void> {
  if ((await findUserByEmail(deps.sql, admin.email)) !== undefined) return
  const passwordHash = await deps.passwords.hash(admin.password)
  await deps.sql.begin((tx) =>
    insertUserUnlessEmailTaken(tx, {
      id: deps.newId(),
      email: admin.email,
      name: 'Administrator',
      role: 'admin',
      passwordHash,
    }),
  )
}

// Sign-up, profile change and deactivation, written to users' table and nothing else: other services read
// the row itself, so there is nothing to announce (and nothing to keep a replica of).
export function manageAccountRoutes(app: ServiceApp, deps: ManageAccountsDeps): void {
  // Sign-up: anyone the gateway forwards may create a customer account; an email is used once.
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
      const registered = await deps.sql.begin((tx) =>
        insertUserUnlessEmailTaken(tx, { id: deps.newId(), email, name, role: 'customer', passwordHash }),
      )
      if (registered === undefined) throw new DuplicateEmail()
      return reply.code(201).send(registered)
    },
  )

  // Users change their own name (admins anyone's).
  app.patch(
    '/users/:id',
    {
      schema: {
        summary: "Change a user's profile",
        operationId: 'updateUserProfile',
        tags: ['users'],
        security: apiSecurity.user,
        problems: problemsOf(usersErrorCodes, 'USERS_USER_NOT_FOUND', 'USERS_USER_DEACTIVATED'),
        params: IdParams,
        body: UpdateProfileRequest,
        response: { 200: User },
      },
    },
    async (request) => {
      const actor = requireUser(request)
      const { id } = request.params
      if (!isOwnerOrAdmin(actor, id)) throw new UserNotFound(`No user ${id}`)
      return deps.sql.begin(async (tx) => {
        const user = await lockUser(tx, id)
        if (user === undefined) throw new UserNotFound(`No user ${id}`)
        const decision = decideProfileChange(user, request.body)
        if (decision.kind === 'refused') throw new UserDeactivated(`User ${id} is deactivated`)
        if (decision.kind === 'unchanged') return user
        return renameUser(tx, id, decision.name)
      })
    },
  )

  // Closes an account (self or admin) and cancels its open orders; repeating it answers the same state.
  app.post(
    '/users/:id/deactivate',
    {
      schema: {
        summary: 'Deactivate a user',
        operationId: 'deactivateUser',
        tags: ['users'],
        security: apiSecurity.user,
        problems: problemsOf(usersErrorCodes, 'USERS_USER_NOT_FOUND'),
        params: IdParams,
        response: { 200: User },
      },
    },
    async (request) => {
      const actor = requireUser(request)
      const { id } = request.params
      if (!isOwnerOrAdmin(actor, id)) throw new UserNotFound(`No user ${id}`)
      return deps.sql.begin(async (tx) => {
        const user = await lockUser(tx, id)
        if (user === undefined) throw new UserNotFound(`No user ${id}`)
        if (decideDeactivation(user).kind === 'already-deactivated') return user
        // The customer's open orders end with the account, in the same transaction: no event, no consumer.
        await cancelOpenOrdersOf(tx, id, 'CUSTOMER_DEACTIVATED')
        return markDeactivated(tx, id)
      })
    },
  )
}
