import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { apiSecurity, isOwnerOrAdmin, problemsOf, requireUser, type ServiceApp } from '@seams/service-kit'
import { IdParams, User, usersErrorCodes } from '@shop/users-contracts'
import { UserNotFound } from '../errors.ts'
import { userDeactivated } from '../users/user-events.ts'
import { lockUser, markDeactivated } from '../users/user-store.ts'
import { decideDeactivation } from './deactivate-user.ts'

export interface DeactivateUserDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
}

export function deactivateUserRoutes(app: ServiceApp, deps: DeactivateUserDeps): void {
  const { outbox } = deps

  // Closes an account (self or admin) so it can no longer log in; repeating it answers the same state.
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
      return outbox.transaction(async (tx) => {
        const user = await lockUser(tx, id)
        if (user === undefined) throw new UserNotFound(`No user ${id}`)
        if (decideDeactivation(user).kind === 'already-deactivated') return user
        const deactivated = await markDeactivated(tx, id)
        await outbox.enqueue(tx, userDeactivated(deps, deactivated, request.trace))
        return deactivated
      })
    },
  )
}
