import type { User } from '@shop/users-contracts'

export type DeactivationDecision = { kind: 'deactivate' } | { kind: 'already-deactivated' }

/** Deactivating twice is a no-op, so that the event is emitted once and retries are safe. */
export function decideDeactivation(user: User): DeactivationDecision {
  return user.status === 'deactivated' ? { kind: 'already-deactivated' } : { kind: 'deactivate' }
}
