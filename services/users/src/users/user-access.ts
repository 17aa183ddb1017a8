import type { ActingUser, Caller } from '@seams/service-kit'

export type ReadAccess = 'allowed' | 'hidden' | 'unauthenticated'

/** Who may change a user: that user, or an admin. */
export function mayManage(actor: ActingUser, userId: string): boolean {
  return actor.id === userId || actor.role === 'admin'
}

/**
 * Who may read a user: that user, an admin, or a service acting for no user (orders checking a buyer).
 * Edge callers forward end users' requests, so a call from one without a user is anonymous: it must log
 * in. Everyone else is told the user does not exist, so that ids cannot be probed.
 */
export function decideReadAccess(caller: Caller, userId: string, edgeCallers: readonly string[]): ReadAccess {
  if (caller.user !== undefined) return mayManage(caller.user, userId) ? 'allowed' : 'hidden'
  return edgeCallers.includes(caller.service) ? 'unauthenticated' : 'allowed'
}
