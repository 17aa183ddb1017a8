import type { Caller } from '@seams/service-kit'

/**
 * Who may see an order: its customer, an admin, or a service calling on its own behalf. Everyone else
 * is told it does not exist, so ids cannot be probed.
 */
export function maySeeOrder(caller: Caller | undefined, customerId: string): boolean {
  if (caller === undefined) return false
  if (caller.user === undefined) return true
  return caller.user.role === 'admin' || caller.user.id === customerId
}
