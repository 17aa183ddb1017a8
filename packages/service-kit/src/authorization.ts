import { Forbidden, Unauthenticated } from '@seams/core'
import type { FastifyRequest } from 'fastify'
import type { ActingUser, Caller } from './service-auth.ts'

/** The end user the request acts for; 401 when the edge did not authenticate one. */
export function requireUser(request: FastifyRequest): ActingUser {
  const user = request.caller?.user
  if (user === undefined) throw new Unauthenticated('This operation needs a logged-in user')
  return user
}

/** The end user, who must hold `role`; 403 otherwise. */
export function requireRole(request: FastifyRequest, role: string): ActingUser {
  const user = requireUser(request)
  if (user.role !== role) throw new Forbidden(`This operation needs the ${role} role`)
  return user
}

/** Operations other services perform, never end users: the calling service must be one of `services`. */
export function requireService(request: FastifyRequest, services: readonly string[]): Caller {
  const caller = request.caller
  if (caller === undefined || !services.includes(caller.service)) {
    throw new Forbidden(`Only ${services.join(', ')} may call this operation`)
  }
  return caller
}
