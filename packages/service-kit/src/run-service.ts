import closeWithGrace from 'close-with-grace'
import type { Logger } from 'pino'
import { shutdownTelemetry, startTelemetry } from './telemetry.ts'

/** What a started service gives back: how to stop it, draining in-flight work first. */
export interface RunningService {
  stop(): Promise<void>
}

export interface RunServiceOptions {
  logger: Logger
  start: () => Promise<RunningService>
  /**
   * `service.name` of the process's spans (see telemetry.ts: traced only when `OTEL_EXPORTER_OTLP_ENDPOINT`
   * is set).
   * @default the logger's `service` binding
   */
  service?: string
  /**
   * Longest a graceful stop may take before the process exits anyway.
   * @default 8000
   */
  shutdownTimeoutMs?: number
}

/**
 * Starts a service and stops it on SIGINT/SIGTERM or a fatal error: stop accepting, drain, close pools,
 * flush the spans not yet exported. A failure to start exits with status 1 after logging why. Tracing
 * starts first, so that the pools and servers made by `start` are traced.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  let running: RunningService | undefined
  const delay = options.shutdownTimeoutMs ?? 8000
  const onTimeout = () => options.logger.error({ delayMs: delay }, 'did not stop in time; exiting anyway')
  closeWithGrace({ delay, logger: false, onTimeout }, async ({ signal, err }) => {
    if (err !== undefined) options.logger.fatal({ err }, 'stopping after a fatal error')
    else options.logger.info({ signal }, 'stopping')
    // The spans are flushed, and the outcome logged, whether or not the service stopped cleanly.
    let stopFailure: unknown
    await running?.stop().catch((error: unknown) => {
      stopFailure = error
    })
    await shutdownTelemetry().catch((error: unknown) => options.logger.warn({ err: error }, 'spans not exported'))
    if (stopFailure === undefined) return options.logger.info('stopped')
    options.logger.error({ err: stopFailure }, 'stopped with errors')
    throw stopFailure
  })
  try {
    const service = options.service ?? String(options.logger.bindings()['service'] ?? 'unknown_service')
    await startTelemetry({ service })
    running = await options.start()
  } catch (error) {
    options.logger.fatal({ err: error }, 'failed to start')
    // Give pino's stdout a turn to flush before the process goes.
    setImmediate(() => process.exit(1))
  }
}
