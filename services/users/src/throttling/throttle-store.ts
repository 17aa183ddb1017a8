import type { Sql, TransactionSql } from '@seams/service-kit'
import { freshCounter, type Counter } from './throttle.ts'

export type ThrottleScope = 'login-account' | 'login-global' | 'registration-email' | 'registration-global'

/** The key of a counter that covers everyone. */
export const GLOBAL_KEY = ''

/** Counters in users' own database, shared by its replicas. */
export interface ThrottleStore {
  /**
   * Applies `change` to the counter (a fresh one when there is none) while holding its row lock, and
   * saves the counter it returns, if any. Concurrent attempts on one key are decided one after another.
   */
  change<T>(
    scope: ThrottleScope,
    key: string,
    now: Date,
    change: (counter: Counter) => { counter?: Counter; result: T },
  ): Promise<T>
  /** The counter as it is, without a lock; for checks that may be a moment stale. */
  read(scope: ThrottleScope, key: string, now: Date): Promise<Counter>
  reset(scope: ThrottleScope, key: string): Promise<void>
  /** Removes counters untouched since `before` whose block (if any) is over; returns how many. */
  sweep(before: Date): Promise<number>
}

const counterColumns = (sql: Sql | TransactionSql) => sql`
  window_started_at as "windowStartedAt", attempts, failures, blocked_until as "blockedUntil",
  last_attempt_at as "lastAttemptAt"`

export function createThrottleStore(sql: Sql): ThrottleStore {
  return {
    async change<T>(
      scope: ThrottleScope,
      key: string,
      now: Date,
      change: (counter: Counter) => { counter?: Counter; result: T },
    ): Promise<T> {
      const { result } = await sql.begin(async (tx) => {
        // The no-op update takes the row lock and returns the row, so one statement finds or creates it.
        const [counter] = await tx<Counter[]>`
          insert into throttle_counters (scope, key, window_started_at, last_attempt_at)
          values (${scope}, ${key}, ${now}, ${now})
          on conflict (scope, key) do update set scope = excluded.scope
          returning ${counterColumns(tx)}`
        const decided = change(counter ?? freshCounter(now))
        if (decided.counter !== undefined) {
          const { windowStartedAt, attempts, failures, blockedUntil, lastAttemptAt } = decided.counter
          await tx`
            update throttle_counters
            set window_started_at = ${windowStartedAt}, attempts = ${attempts}, failures = ${failures},
              blocked_until = ${blockedUntil}, last_attempt_at = ${lastAttemptAt}
            where scope = ${scope} and key = ${key}`
        }
        return { result: decided.result }
      })
      return result as T
    },
    async read(scope, key, now) {
      const [counter] = await sql<
        Counter[]
      >`select ${counterColumns(sql)} from throttle_counters where scope = ${scope} and key = ${key}`
      return counter ?? freshCounter(now)
    },
    async reset(scope, key) {
      await sql`delete from throttle_counters where scope = ${scope} and key = ${key}`
    },
    async sweep(before) {
      const deleted = await sql`
        delete from throttle_counters
        where last_attempt_at < ${before} and (blocked_until is null or blocked_until < ${before})`
      return deleted.count
    },
  }
}
