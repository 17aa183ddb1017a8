import { Forbidden, Unauthenticated } from '@seams/core'
import type { FastifyRequest } from 'fastify'
import type { ActingUser } from './access-tokens.ts'
import type { Caller } from './service-auth.ts'

// The one access rule of every service. Three kinds of caller reach a route that is not public: an end
// user through the edge, an anonymous client through the edge, and a service on its own behalf. An
// anonymous call is never mistaken for a trusted internal one: only a service named by the route may
// act without a user.

function callerOf(request: FastifyRequest): Caller {
  const caller = request.caller
  if (caller === undefined) throw new Unauthenticated('This operation needs a logged-in user')
  return caller
}

/** The end user the request acts for: 401 for anonymous callers, 403 for a service acting for itself. */
export function requireUser(request: FastifyRequest): ActingUser {
  const caller = callerOf(request)
  if (caller.kind === 'user') return caller.user
  if (caller.kind === 'anonymous') throw new Unauthenticated('This operation needs a logged-in user')
  throw new Forbidden(`This operation is for end users; ${caller.service} may not call it`)
}

/** The end user, who must hold `role`; 403 otherwise. */
export function requireRole(request: FastifyRequest, role: string): ActingUser {
  const user = requireUser(request)
  if (user.role !== role) throw new Forbidden(`This operation needs the ${role} role`)
  return user
}

/** Operations only services perform, on their own behalf: the caller must be one of `services`. */
export function requireService(request: FastifyRequest, services: readonly string[]): Caller & { kind: 'service' } {
  const caller = callerOf(request)
  if (caller.kind !== 'service' || !services.includes(caller.service))
    throw new Forbidden(`Only ${services.join(', ')} may call this operation`)
  return caller
}

/** Who reads a resource that belongs to someone. */
export type Reader = { kind: 'user'; user: ActingUser } | { kind: 'service'; service: string }

/**
 * The reader of owned resources: an end user, or one of `services` acting for itself. Anonymous
 * callers get 401 (logging in may help); other services get 403.
 */
export function requireReader(request: FastifyRequest, services: readonly string[] = []): Reader {
  const caller = callerOf(request)
  if (caller.kind === 'user') return { kind: 'user', user: caller.user }
  if (caller.kind === 'anonymous') throw new Unauthenticated('This operation needs a logged-in user')
  if (!services.includes(caller.service)) throw new Forbidden(`${caller.service} may not read this resource`)
  return { kind: 'service', service: caller.service }
}

/**
 * Whether the reader may see a resource owned by `ownerId`: its owner, an admin, or a service the route
 * let in. Callers told no must be answered 404, so that ids cannot be probed.
 */
export function mayRead(reader: Reader, ownerId: string): boolean {
  return reader.kind === 'service' || isOwnerOrAdmin(reader.user, ownerId)
}

/** Whether the user owns what belongs to `ownerId`, or is an admin: who may see or change it. */
export function isOwnerOrAdmin(user: ActingUser, ownerId: string): boolean {
  return user.id === ownerId || user.role === 'admin'
}
