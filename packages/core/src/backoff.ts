export interface BackoffOptions {
  /**
   * The delay at exponent 0; each step up doubles it.
   * @default 100
   */
  baseMs?: number
  /**
   * Longest delay, however many steps up.
   * @default 5000
   */
  maxMs?: number
  /**
   * `'equal'` draws the delay between half and all of the doubled one, so that replicas failing together
   * do not retry together; `'none'` keeps it exact.
   * @default 'none'
   */
  jitter?: 'none' | 'equal'
  /**
   * Source of the jitter, in [0, 1).
   * @default Math.random
   */
  random?: () => number
}

/**
 * How long to wait before trying again: `baseMs × 2^exponent`, at most `maxMs`, with optional jitter.
 * The one exponential backoff of the toolkit's retry loops (relay, consumers, feeds, sagas).
 */
export function backoffDelay(exponent: number, options: BackoffOptions = {}): number {
  // 2 ** exponent overflows to Infinity long before it matters; min() keeps it at the cap.
  const capped = Math.min(options.maxMs ?? 5000, (options.baseMs ?? 100) * 2 ** Math.max(0, exponent))
  if ((options.jitter ?? 'none') === 'none') return capped
  return capped * (0.5 + (options.random ?? Math.random)() / 2)
}
