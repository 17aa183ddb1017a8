import { pino, type Logger, type LevelWithSilent } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  service: string
  /** @default 'info' */
  level?: LevelWithSilent
}

/** JSON logs on stdout, one line per entry, every line naming its service and process. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  })
}
