import type { PlannedRequest } from './workload.ts'

export type LoginRequest = Omit<PlannedRequest, 'endpoint'> & { endpoint: 'login' }

/** Logins of bench accounts taken in turn, so that each account logs in as seldom as the rate allows. */
export interface LoginRotation {
  /** Accounts taken in turn. */
  readonly accounts: number
  /** The next account's login request. */
  next(nowMs: number): LoginRequest
  /**
   * Shortest time between two logins of one account so far, in seconds; undefined before any account came round twice.
   */
  shortestRepeatSeconds(): number | undefined
  /** Logins planned so far. */
  planned(): number
}

/**
 * Accounts needed so that, at `loginsPerSecond`, one account logs in at most once per `repeatSeconds`:
 * users' throttle allows five attempts per account at once and then backs off, so a rotation that came
 * round every few seconds would meet it as soon as a login was slow. Never fewer than `atLeast`.
 */
export function loginAccountsFor(loginsPerSecond: number, repeatSeconds: number, atLeast: number): number {
  return Math.max(atLeast, Math.ceil(loginsPerSecond * repeatSeconds))
}

export function createLoginRotation(
  accounts: number,
  credentials: (index: number) => { email: string; password: string },
): LoginRotation {
  if (!(accounts > 0)) throw new Error('a login rotation needs at least one account')
  const lastAt = new Float64Array(accounts).fill(Number.NaN)
  let count = 0
  let shortestMs = Number.POSITIVE_INFINITY
  return {
    accounts,
    next(nowMs) {
      const index = count % accounts
      count += 1
      if (!Number.isNaN(lastAt[index]!)) shortestMs = Math.min(shortestMs, nowMs - lastAt[index]!)
      lastAt[index] = nowMs
      return {
        endpoint: 'login',
        method: 'POST',
        path: '/api/auth/login',
        body: JSON.stringify(credentials(index)),
        headers: { 'content-type': 'application/json' },
      }
    },
    shortestRepeatSeconds: () => (Number.isFinite(shortestMs) ? shortestMs / 1000 : undefined),
    planned: () => count,
  }
}
