import { problem, type ProblemDetails } from '@seams/core'

/** An attempt refused by a limit: which one, and when trying again can succeed. */
export interface Throttled {
  reason: string
  retryAfterSeconds: number
}

/**
 * The 429 answer as problem+json naming the limit; sent with `Retry-After: retryAfterSeconds`. No error
 * category maps to 429, so routes render it themselves rather than throwing.
 */
export function throttledProblem(instance: string, throttled: Throttled, code: string, detail: string): ProblemDetails {
  return problem(429, `${detail}; retry in ${throttled.retryAfterSeconds} s`, {
    code,
    reason: throttled.reason,
    retryAfterSeconds: throttled.retryAfterSeconds,
    instance,
  })
}
