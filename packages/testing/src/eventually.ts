import { setTimeout as sleep } from 'node:timers/promises'

export interface EventuallyOptions<T> {
  /**
   * Whether the value read is the one awaited.
   * @default Boolean (a truthy value)
   */
  until?: (value: T) => boolean
  /**
   * How long to keep looking before failing.
   * @default 20000
   */
  timeoutMs?: number
  /**
   * Pause between two looks.
   * @default 100
   */
  intervalMs?: number
}

/**
 * Reads `probe` until its value is the awaited one (`until`) and returns that value; fails naming `what`
 * (e.g. `'the order is confirmed'`) and the last value once `timeoutMs` has passed. The one poll of the
 * repository's tests: real processes and databases settle asynchronously, and a test waits for the
 * outcome rather than for a fixed time. It needs no test runner, so scripts that drive the shop use it too.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | Promise<T>,
  options: EventuallyOptions<T> = {},
): Promise<T> {
  const until = options.until ?? Boolean
  const timeoutMs = options.timeoutMs ?? 20_000
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (until(value)) return value
    if (Date.now() > deadline) {
      const last = typeof value === 'boolean' ? '' : `; last seen: ${describe(value)}`
      throw new Error(`${what}: not within ${timeoutMs} ms${last}`)
    }
    await sleep(options.intervalMs ?? 100)
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value)
  } catch {
    return String(value)
  }
}
