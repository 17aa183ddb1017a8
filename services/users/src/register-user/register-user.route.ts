import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { ServiceApp } from '@seams/service-kit'
import { RegisterUserRequest, User } from '@shop/users-contracts'
import { DuplicateEmail } from '../errors.ts'
import type { PasswordHasher } from '../passwords/password-hasher.ts'
import { userRegistered } from '../users/user-events.ts'
import { insertUserUnlessEmailTaken } from '../users/user-store.ts'

export interface RegisterUserDeps {
  outbox: Outbox
  passwords: PasswordHasher
  newId: IdGenerator
  now: Clock
}

export function registerUserRoutes(app: ServiceApp, deps: RegisterUserDeps): void {
  const { outbox } = deps

  // Sign-up: anyone the gateway forwards may create a customer account; an email is used once, in any letter case.
  app.post('/users', { schema: { summary: 'Register a customer', tags: ['users'], body: RegisterUserRequest, response: { 201: User } } }, async (request, reply) => {
    const { email, name, password } = request.body
    // Hashing is the slow part, so it happens before the transaction rather than while holding it open.
    const passwordHash = await deps.passwords.hash(password)
    const registered = await outbox.transaction(async (tx) => {
      const user = await insertUserUnlessEmailTaken(tx, { id: deps.newId(), email, name, role: 'customer', passwordHash })
      if (user !== undefined) await outbox.enqueue(tx, userRegistered(deps, user, request.trace))
      return user
    })
    if (registered === undefined) throw new DuplicateEmail()
    return reply.code(201).send(registered)
  })
}
