import type { Caller } from '@seams/service-kit'

/**
 * Who may see an entry: its customer, an admin, or a service calling on its own behalf. Everyone else
 * is told it does not exist, so order ids cannot be probed (the orders service answers the same way).
 */
export function maySeeEntry(caller: Caller | undefined, customerId: string): boolean {
  if (caller === undefined) return false
  if (caller.user === undefined) return true
  return caller.user.role === 'admin' || caller.user.id === customerId
}
