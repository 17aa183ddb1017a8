import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino'
import { logRedactPaths } from './redaction.ts'

export type { Logger } from 'pino'

export interface LoggerOptions {
  service: string
  /** @default 'info' */
  level?: LevelWithSilent
  /**
   * Where the lines go (tests read them back).
   * @default stdout
   */
  destination?: DestinationStream
}

/**
 * JSON logs on stdout, one line per entry, every line naming its service and process. Credentials are
 * replaced by `[Redacted]` wherever a header or field that holds one is logged (see `logRedactPaths`).
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...logRedactPaths] },
  }
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination)
}
