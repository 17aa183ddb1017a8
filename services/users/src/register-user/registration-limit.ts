import type { Clock } from '@seams/core'
import type { Throttled } from '../throttling/throttled-problem.ts'
import { admit, withdraw, type WindowLimit } from '../throttling/throttle.ts'
import { GLOBAL_KEY, type ThrottleScope, type ThrottleStore } from '../throttling/throttle-store.ts'
import { normalizeEmail } from '../users/user-store.ts'

export interface RegistrationLimitOptions {
  /**
   * Sign-ups per minute across the service, whoever sends them: the source address seen here is the
   * gateway's, so the per-client limit can only be the gateway's own.
   * @default 100
   */
  globalPerMinute?: number
}

/** Sign-ups per email per hour: enough to retry a failed one, too few to make one address a probe. */
export const perEmailLimit: WindowLimit = { kind: 'window', max: 5, windowMs: 60 * 60_000 }

/** Sign-up attempts counted in users' database, before the password is hashed. */
export interface RegistrationLimit {
  admit(email: string): Promise<Throttled | undefined>
  /** The attempt was admitted but shed before anything was written: it does not count. */
  abandoned(email: string): Promise<void>
}

export function createRegistrationLimit(
  deps: { store: ThrottleStore; now: Clock },
  options: RegistrationLimitOptions = {},
): RegistrationLimit {
  const { store, now } = deps
  const globalLimit: WindowLimit = { kind: 'window', max: options.globalPerMinute ?? 100, windowMs: 60_000 }
  // The email first: repeats of one address are refused without spending the service's budget.
  const counters: { scope: ThrottleScope; key: (email: string) => string; limit: WindowLimit; reason: string }[] = [
    { scope: 'registration-email', key: normalizeEmail, limit: perEmailLimit, reason: 'email' },
    { scope: 'registration-global', key: () => GLOBAL_KEY, limit: globalLimit, reason: 'global' },
  ]
  const give = async (admitted: typeof counters, email: string) => {
    for (const { scope, key, limit } of admitted)
      await store.change(scope, key(email), now(), (counter) => ({
        counter: withdraw(counter, limit),
        result: undefined,
      }))
  }

  return {
    async admit(email) {
      const at = now()
      for (const [index, { scope, key, limit, reason }] of counters.entries()) {
        const admission = await store.change(scope, key(email), at, (counter) => {
          const decided = admit(counter, at, limit)
          return { counter: decided.counter, result: decided.admission }
        })
        if (!admission.admitted) {
          // A refusal by a later limit leaves the earlier ones as they were.
          await give(counters.slice(0, index), email)
          return { reason, retryAfterSeconds: admission.retryAfterSeconds }
        }
      }
      return undefined
    },
    abandoned: (email) => give(counters, email),
  }
}
