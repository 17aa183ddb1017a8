import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { apiSecurity, isOwnerOrAdmin, problemsOf, requireUser, type ServiceApp } from '@seams/service-kit'
import { IdParams, UpdateProfileRequest, User, usersErrorCodes } from '@shop/users-contracts'
import { UserDeactivated, UserNotFound } from '../errors.ts'
import { userProfileChanged } from '../users/user-events.ts'
import { lockUser, renameUser } from '../users/user-store.ts'
import { decideProfileChange } from './update-profile.ts'

export interface UpdateProfileDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
}

export function updateProfileRoutes(app: ServiceApp, deps: UpdateProfileDeps): void {
  const { outbox } = deps

  // Users change their own name (admins anyone's); email, role and status are not the user's to set.
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
      return outbox.transaction(async (tx) => {
        const user = await lockUser(tx, id)
        if (user === undefined) throw new UserNotFound(`No user ${id}`)
        const decision = decideProfileChange(user, request.body)
        if (decision.kind === 'refused') throw new UserDeactivated(`User ${id} is deactivated`)
        if (decision.kind === 'unchanged') return user
        const renamed = await renameUser(tx, id, decision.name)
        await outbox.enqueue(tx, userProfileChanged(deps, renamed, request.trace))
        return renamed
      })
    },
  )
}
