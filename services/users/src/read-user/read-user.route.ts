import {
  apiSecurity,
  mayRead,
  problemsOf,
  requireReader,
  requireUser,
  type ServiceApp,
  type Sql,
} from '@seams/service-kit'
import { IdParams, User, usersErrorCodes } from '@shop/users-contracts'
import { UserNotFound } from '../errors.ts'
import { findUser } from '../users/user-store.ts'

export interface ReadUserDeps {
  sql: Sql
}

export function readUserRoutes(app: ServiceApp, deps: ReadUserDeps): void {
  const { sql } = deps

  // The logged-in user's own account.
  app.get(
    '/users/me',
    {
      schema: {
        summary: 'Get the acting user',
        operationId: 'getMe',
        tags: ['users'],
        security: apiSecurity.user,
        problems: problemsOf(usersErrorCodes, 'USERS_USER_NOT_FOUND'),
        response: { 200: User },
      },
    },
    async (request) => {
      const actor = requireUser(request)
      const user = await findUser(sql, actor.id)
      if (user === undefined) throw new UserNotFound(`No user ${actor.id}`)
      return user
    },
  )

  // One user, for that user or an admin; anyone else is told it does not exist.
  app.get(
    '/users/:id',
    {
      schema: {
        summary: 'Get a user',
        operationId: 'getUser',
        tags: ['users'],
        security: apiSecurity.userOrService,
        problems: problemsOf(usersErrorCodes, 'USERS_USER_NOT_FOUND'),
        params: IdParams,
        response: { 200: User },
      },
    },
    async (request) => {
      const { id } = request.params
      // Deciding before reading keeps a hidden user's answer independent of whether it exists.
      const user = mayRead(requireReader(request), id) ? await findUser(sql, id) : undefined
      if (user === undefined) throw new UserNotFound(`No user ${id}`)
      return user
    },
  )
}
