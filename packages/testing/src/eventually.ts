import { setTimeout as sleep } from 'node:timers/promises'

export interface EventuallyOptions<T> {
  /**
   * Whether the value read is the one awaited.
   * @default Boolean (a truthy value)
   */
  until?: (value: T) => boolean
  /**
   * What is awaited, for the error when it does not happen, e.g. `'the order is confirmed'`.
   * @default 'the condition'
   */
  what?: string
  /**
   * How long to keep looking before failing.
   * @default 20000
   */
  timeoutMs?: number
  /**
   * Pause between two looks.
   * @default 50
   */
  intervalMs?: number
}

/**
 * Reads `probe` until its value is the awaited one (`until`) and returns that value; fails naming `what`
 * and the last value once `timeoutMs` has passed. The one poll of the repository's tests: real processes
 * and databases settle asynchronously, and a test waits for the outcome rather than for a fixed time.
 * It needs no test runner, so scripts that drive the shop use it too.
 */
export async function eventually<T>(probe: () => T | Promise<T>, options: EventuallyOptions<T> = {}): Promise<T> {
  const until = options.until ?? Boolean
  const timeoutMs = options.timeoutMs ?? 20_000
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (until(value)) return value
    if (Date.now() > deadline) {
      const last = typeof value === 'boolean' ? '' : `; last seen: ${describe(value)}`
      throw new Error(`${options.what ?? 'the condition'} did not happen within ${timeoutMs} ms${last}`)
    }
    await sleep(options.intervalMs ?? 50)
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value)
  } catch {
    return String(value)
  }
}
