import closeWithGrace from 'close-with-grace'
import type { Logger } from 'pino'

/** What a started service gives back: how to stop it, draining in-flight work first. */
export interface RunningService {
  stop(): Promise<void>
}

export interface RunServiceOptions {
  logger: Logger
  start: () => Promise<RunningService>
  /**
   * Longest a graceful stop may take before the process exits anyway.
   * @default 8000
   */
  shutdownTimeoutMs?: number
}

/**
 * Starts a service and stops it on SIGINT/SIGTERM or a fatal error: stop accepting, drain, close pools.
 * A failure to start exits with status 1 after logging why.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  let running: RunningService | undefined
  closeWithGrace({ delay: options.shutdownTimeoutMs ?? 8000, logger: false }, async ({ signal, err }) => {
    if (err !== undefined) options.logger.fatal({ err }, 'stopping after a fatal error')
    else options.logger.info({ signal }, 'stopping')
    await running?.stop()
    options.logger.info('stopped')
  })
  try {
    running = await options.start()
  } catch (error) {
    options.logger.fatal({ err: error }, 'failed to start')
    // Give pino's stdout a turn to flush before the process goes.
    setImmediate(() => process.exit(1))
  }
}
