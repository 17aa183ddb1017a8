import { Unauthenticated } from '@seams/core'
import { requireUser, type ServiceApp, type Sql } from '@seams/service-kit'
import { IdParams, User } from '@shop/users-contracts'
import { UserNotFound } from '../errors.ts'
import { decideReadAccess } from '../users/user-access.ts'
import { findUser } from '../users/user-store.ts'

export interface ReadUserDeps {
  sql: Sql
  /** Services that forward end users; their calls without a user are anonymous. */
  edgeCallers: readonly string[]
}

export function readUserRoutes(app: ServiceApp, deps: ReadUserDeps): void {
  const { sql } = deps

  // The logged-in user's own account.
  app.get('/users/me', { schema: { summary: 'Get the acting user', tags: ['users'], response: { 200: User } } }, async (request) => {
    const actor = requireUser(request)
    const user = await findUser(sql, actor.id)
    if (user === undefined) throw new UserNotFound(`No user ${actor.id}`)
    return user
  })

  // One user, for that user, an admin, or a service acting for no user; anyone else is told it does not exist.
  app.get('/users/:id', { schema: { summary: 'Get a user', tags: ['users'], params: IdParams, response: { 200: User } } }, async (request) => {
    const { id } = request.params
    const access = request.caller === undefined ? 'unauthenticated' : decideReadAccess(request.caller, id, deps.edgeCallers)
    if (access === 'unauthenticated') throw new Unauthenticated('Reading a user needs a logged-in user')
    // Deciding before reading keeps a hidden user's answer independent of whether it exists.
    const user = access === 'allowed' ? await findUser(sql, id) : undefined
    if (user === undefined) throw new UserNotFound(`No user ${id}`)
    return user
  })
}
