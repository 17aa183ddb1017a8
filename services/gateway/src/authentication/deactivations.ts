import type { Subscription, Transport } from '@seams/core'
import { IdentityProviderUnavailable, type ActingUser } from '@seams/service-kit'
import type { UsersClient } from '@shop/users-contracts'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'

/** Whether the account behind a valid access token is still open. */
export interface Deactivations {
  allows(user: ActingUser, token: string): Promise<boolean>
  stop(): Promise<void>
}

export interface DeactivationsOptions {
  /** A distinct name per gateway replica: each follows the events on its own, in memory. */
  replica: string
}

// The longest lifetime the users service may give a token (its JWT_TTL_SECONDS maximum): a deactivation
// older than that has outlived every token issued before it.
const longestTokenLifetimeMs = 86_400_000
// Following starts when the subscription has read the feed's head, a moment after this replica started:
// tokens issued in that moment are treated as issued before.
const subscriptionSettlingMs = 10_000

/**
 * Access tokens cannot be revoked, so the edge revokes by event: it follows the users service's
 * deactivations and refuses a deactivated user's tokens from the moment it applies the event, well
 * within a minute of it. It follows them from its start only, so a token issued before that may belong
 * to an account closed while no replica of this gateway was watching: such a token is checked once with
 * the users service (`GET /users/me` as its user) and the answer kept until the token expires. The cost
 * is one lookup per user per gateway start, and two map lookups per request.
 */
async function stillOpen(users: UsersClient, token: string): Promise<boolean> {
  try {
    const me = await users.getMe({ userToken: token })
    return me?.status === 'active'
  } catch (error) {
    throw new IdentityProviderUnavailable('Whether this account is still open cannot be checked right now', {
      cause: error,
    })
  }
}

/**
 * With no feed to follow (the shared-database topology publishes no events), each token's account is asked of
 * the users service and the answer kept for `recheckMs`: a deactivation reaches the edge within that time.
 */
export function askDeactivations(users: UsersClient, options: { recheckMs: number }): Deactivations {
  const checked = new LRUCache<string, boolean>({ max: 50_000, ttl: options.recheckMs })
  return {
    async allows(_user, token) {
      const known = checked.get(token)
      if (known !== undefined) return known
      const open = await stillOpen(users, token)
      checked.set(token, open)
      return open
    },
    stop: async () => {},
  }
}

export function followDeactivations(
  transport: Transport,
  users: UsersClient,
  options: DeactivationsOptions,
): Deactivations {
  const followingSince = Date.now()
  // A user is forgotten once every token issued before the deactivation has expired: login refuses them after.
  const deactivated = new LRUCache<string, true>({ max: 100_000, ttl: longestTokenLifetimeMs })
  const checked = new LRUCache<string, boolean>({ max: 50_000, ttl: longestTokenLifetimeMs })
  const subscription: Subscription = transport.subscribe(
    {
      source: 'users',
      consumer: `gateway.deactivations.${options.replica}`,
      types: ['users.UserDeactivated'],
      startAt: 'now',
      resumeAfter: async () => 0,
    },
    async (events) => {
      for (const event of events) {
        const userId = (event.data as { userId?: unknown }).userId
        if (typeof userId === 'string') deactivated.set(userId, true)
      }
    },
  )

  return {
    async allows(user, token) {
      if (deactivated.has(user.id)) return false
      const known = checked.get(token)
      if (known !== undefined) return known
      const claims = decodeJwt(token)
      // Issued while this replica was watching: any deactivation since then has been seen.
      const open =
        (claims.iat ?? 0) * 1000 >= followingSince + subscriptionSettlingMs ? true : await stillOpen(users, token)
      checked.set(token, open, { ttl: Math.max(1, (claims.exp ?? 0) * 1000 - Date.now()) })
      return open && !deactivated.has(user.id)
    },
    stop: () => subscription.stop(),
  }
}
