import { trace } from '@opentelemetry/api'
import {
  pino,
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger,
  type LevelWithSilent,
} from 'pino'
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

const levelMethods = new Set<string | symbol>(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])

/**
 * A child logger made only once something is logged through it at an enabled level. pino's `child()`
 * serialises and redacts its bindings when it is called, and a request's logger is made for every request:
 * at benchmark rates that cost more than many of the requests' own work, though most requests log nothing.
 */
export function deferredChild(parent: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  let child: Logger | undefined
  const made = () => (child ??= parent.child(bindings, options))
  return new Proxy(parent, {
    get(target, property) {
      // Fastify looks the methods up when it is handed the logger, so a method is made lazy, not the child.
      if (levelMethods.has(property) || property === 'child') {
        // A disabled level's method is pino's no-op: calling it needs no child.
        if (property !== 'child' && !target.isLevelEnabled(property as string)) return Reflect.get(target, property)
        return (...args: unknown[]) =>
          (Reflect.get(made(), property) as (...args: unknown[]) => unknown).apply(child, args)
      }
      const value: unknown = Reflect.get(made(), property)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(child) : value
    },
  })
}
