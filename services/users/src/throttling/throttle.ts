/** One counter as stored in `throttle_counters`. */
export interface Counter {
  windowStartedAt: Date
  /** Admitted attempts in this window (or since the counter was last forgotten). */
  attempts: number
  failures: number
  blockedUntil: Date | null
  lastAttemptAt: Date
}

/** At most `max` per fixed window of `windowMs`, counted from the window's first attempt. */
export interface WindowLimit {
  kind: 'window'
  max: number
  windowMs: number
}

/**
 * `freeAttempts` attempts without delay; after that each admitted attempt makes the next one wait
 * twice as long as the previous wait, from `firstDelayMs` up to `maxDelayMs`. The counter is forgotten
 * once no attempt was admitted for `forgetAfterMs`, so someone who keeps guessing stays at the cap.
 */
export interface BackoffLimit {
  kind: 'backoff'
  freeAttempts: number
  firstDelayMs: number
  maxDelayMs: number
  forgetAfterMs: number
}

export type Limit = WindowLimit | BackoffLimit

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number }

/** What an admission decided: whether the attempt may go ahead, and the counter to save (none when unchanged). */
export interface Decision {
  admission: Admission
  counter?: Counter
}

export const freshCounter = (now: Date): Counter => ({
  windowStartedAt: now,
  attempts: 0,
  failures: 0,
  blockedUntil: null,
  lastAttemptAt: now,
})

// Whole seconds, at least one: Retry-After has no finer unit, and 0 would invite an immediate retry.
const refused = (untilMs: number, now: Date): Admission => ({
  admitted: false,
  retryAfterSeconds: Math.max(1, Math.ceil((untilMs - now.getTime()) / 1000)),
})

function current(counter: Counter, now: Date, limit: Limit): Counter {
  const expired =
    limit.kind === 'window'
      ? now.getTime() >= counter.windowStartedAt.getTime() + limit.windowMs
      : now.getTime() >= counter.lastAttemptAt.getTime() + limit.forgetAfterMs
  return expired ? freshCounter(now) : counter
}

function blockedUntil(attempts: number, lastAttemptAt: Date, limit: BackoffLimit): Date | null {
  const beyondFree = attempts - limit.freeAttempts
  if (beyondFree < 0) return null
  // 2 ** beyondFree overflows to Infinity long before it matters; min() keeps it at the cap.
  return new Date(lastAttemptAt.getTime() + Math.min(limit.firstDelayMs * 2 ** beyondFree, limit.maxDelayMs))
}

/**
 * Counts one attempt, or refuses it with how long to wait. A refused attempt leaves the counter as it
 * was: retrying while refused neither costs nor extends anything.
 */
export function admit(stored: Counter, now: Date, limit: Limit): Decision {
  const counter = current(stored, now, limit)
  if (limit.kind === 'window') {
    if (counter.attempts >= limit.max)
      return { admission: refused(counter.windowStartedAt.getTime() + limit.windowMs, now) }
    return {
      admission: { admitted: true },
      counter: { ...counter, attempts: counter.attempts + 1, lastAttemptAt: now },
    }
  }
  if (counter.blockedUntil !== null && now < counter.blockedUntil)
    return { admission: refused(counter.blockedUntil.getTime(), now) }
  const attempts = counter.attempts + 1
  return {
    admission: { admitted: true },
    counter: { ...counter, attempts, lastAttemptAt: now, blockedUntil: blockedUntil(attempts, now, limit) },
  }
}

/** Gives an admitted attempt back, e.g. one that was shed before the password was checked. */
export function withdraw(counter: Counter, limit: Limit): Counter {
  const attempts = Math.max(0, counter.attempts - 1)
  return {
    ...counter,
    attempts,
    blockedUntil:
      limit.kind === 'backoff' ? blockedUntil(attempts, counter.lastAttemptAt, limit) : counter.blockedUntil,
  }
}

/** Whether the failures counted in the current window already reached the limit's `max`. */
export function checkFailures(stored: Counter, now: Date, limit: WindowLimit): Admission {
  const counter = current(stored, now, limit)
  return counter.failures >= limit.max
    ? refused(counter.windowStartedAt.getTime() + limit.windowMs, now)
    : { admitted: true }
}

export function addFailure(stored: Counter, now: Date, limit: Limit): Counter {
  const counter = current(stored, now, limit)
  // A counter of failures alone is otherwise never touched, and the sweep goes by the last touch.
  return { ...counter, failures: counter.failures + 1, lastAttemptAt: now }
}
