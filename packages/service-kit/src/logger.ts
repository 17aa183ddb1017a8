import { trace } from '@opentelemetry/api'
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
 * JSON logs on stdout, one line per entry, every line naming its service and process, and the trace and span
 * of the OpenTelemetry span active when it is written (`trace_id`, `span_id`; requests without a recording
 * span carry their trace as bindings instead, see service-app.ts). Credentials are replaced by `[Redacted]`
 * wherever a header or field that holds one is logged (see `logRedactPaths`).
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    level: options.level ?? 'info',
    base: { service: options.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...logRedactPaths] },
    mixin: activeSpanIds,
  }
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination)
}

// Without an SDK there is never an active span: a context lookup per line, and nothing added.
function activeSpanIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()
  if (span === undefined) return {}
  const { traceId, spanId } = span.spanContext()
  return { trace_id: traceId, span_id: spanId }
}
