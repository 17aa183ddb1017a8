import type { User } from '@shop/users-contracts'

export type ProfileChangeDecision =
  { kind: 'rename'; name: string } | { kind: 'unchanged' } | { kind: 'refused'; reason: 'DEACTIVATED' }

/** A closed account keeps the profile it was closed with; repeating the current name changes nothing. */
export function decideProfileChange(user: User, change: { name: string }): ProfileChangeDecision {
  if (user.status === 'deactivated') return { kind: 'refused', reason: 'DEACTIVATED' }
  if (change.name === user.name) return { kind: 'unchanged' }
  return { kind: 'rename', name: change.name }
}
