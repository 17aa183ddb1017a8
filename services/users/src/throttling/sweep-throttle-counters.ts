import type { Clock } from '@seams/core'
import type { Logger, ServiceApp } from '@seams/service-kit'
import type { ThrottleStore } from './throttle-store.ts'

export interface SweepOptions {
  /**
   * Age after which an untouched counter means nothing any more: the longest window or forgetting time.
   * @default 3600000 (one hour)
   */
  maxAgeMs?: number
  /** @default 60000 */
  intervalMs?: number
}

/**
 * Deletes stale counters while `app` runs. Guesses at unknown emails leave rows nobody touches again; the
 * limits bound how fast they come, this bounds how long they stay. Every replica sweeps: it is idempotent.
 */
export function sweepThrottleCounters(
  app: ServiceApp,
  deps: { store: ThrottleStore; now: Clock; logger: Logger },
  options: SweepOptions = {},
): void {
  const maxAgeMs = options.maxAgeMs ?? 60 * 60_000
  const timer = setInterval(() => {
    deps.store
      .sweep(new Date(deps.now().getTime() - maxAgeMs))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'sweeping throttle counters failed; the next sweep tries again'),
      )
  }, options.intervalMs ?? 60_000)
  // Never what keeps the process alive.
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))
}
