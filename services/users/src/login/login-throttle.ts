import type { Clock } from '@seams/core'
import type { Throttled } from '../throttling/throttled-problem.ts'
import {
  addFailure,
  admit,
  checkFailures,
  withdraw,
  type BackoffLimit,
  type WindowLimit,
} from '../throttling/throttle.ts'
import { GLOBAL_KEY, type ThrottleStore } from '../throttling/throttle-store.ts'
import { normalizeEmail } from '../users/user-store.ts'

export interface LoginThrottleOptions {
  /**
   * Failed logins across all accounts per minute before every login is refused until the minute is
   * over: a brake on credential stuffing, which tries many accounts a few times each.
   * @default 600
   */
  globalFailuresPerMinute?: number
}

/**
 * Per account (whether or not it exists): five attempts at once, then 1 s, 2 s, 4 s ... up to 15 min
 * between attempts, forgotten after an hour without one. A burst of guesses gets its sixth refused;
 * someone who keeps guessing gets one try per 15 minutes, wherever they send from.
 */
export const accountLimit: BackoffLimit = {
  kind: 'backoff',
  freeAttempts: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
}

/** Login attempts counted in users' database, so that every replica throttles the same account. */
export interface LoginThrottle {
  /** Counts an attempt for `email` before its password is checked, or says which limit refuses it. */
  admit(email: string): Promise<Throttled | undefined>
  /** The password was right: the account's count starts again. */
  succeeded(email: string): Promise<void>
  failed(email: string): Promise<void>
  /** The attempt was admitted but its password never checked (shed under load): it does not count. */
  abandoned(email: string): Promise<void>
}

export function createLoginThrottle(
  deps: { store: ThrottleStore; now: Clock },
  options: LoginThrottleOptions = {},
): LoginThrottle {
  const { store, now } = deps
  const globalLimit: WindowLimit = { kind: 'window', max: options.globalFailuresPerMinute ?? 600, windowMs: 60_000 }

  return {
    async admit(email) {
      const at = now()
      // Read without a lock: a global brake a few failures late is as good, and no login waits on one row.
      const global = checkFailures(await store.read('login-global', GLOBAL_KEY, at), at, globalLimit)
      if (!global.admitted) return { reason: 'global', retryAfterSeconds: global.retryAfterSeconds }
      const decision = await store.change('login-account', normalizeEmail(email), at, (counter) => {
        const decided = admit(counter, at, accountLimit)
        return { counter: decided.counter, result: decided.admission }
      })
      return decision.admitted ? undefined : { reason: 'account', retryAfterSeconds: decision.retryAfterSeconds }
    },
    async succeeded(email) {
      await store.reset('login-account', normalizeEmail(email))
    },
    async failed(email) {
      const at = now()
      await store.change('login-account', normalizeEmail(email), at, (counter) => ({
        counter: addFailure(counter, at, accountLimit),
        result: undefined,
      }))
      await store.change('login-global', GLOBAL_KEY, at, (counter) => ({
        counter: addFailure(counter, at, globalLimit),
        result: undefined,
      }))
    },
    async abandoned(email) {
      await store.change('login-account', normalizeEmail(email), now(), (counter) => ({
        counter: withdraw(counter, accountLimit),
        result: undefined,
      }))
    },
  }
}
