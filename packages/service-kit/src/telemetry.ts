import type { SpanExporter } from '@opentelemetry/sdk-trace-node'
import { ConfigInvalid } from './errors.ts'

/** A started (or deliberately not started) OpenTelemetry SDK. */
export interface Telemetry {
  /** Whether spans are recorded and exported; false leaves OpenTelemetry's no-op tracer in place. */
  readonly enabled: boolean
  /** Exports the spans buffered so far; a no-op when not enabled. */
  flush(): Promise<void>
  /** Exports the spans still buffered and stops; a no-op when not enabled. */
  shutdown(): Promise<void>
}

export interface TelemetryOptions {
  /** `service.name` of the spans, unless `OTEL_SERVICE_NAME` says otherwise. */
  service: string
  /**
   * The standard `OTEL_*` variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`) turns tracing
   * on; `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf` or `http/json`), `OTEL_EXPORTER_OTLP_HEADERS`,
   * `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SDK_DISABLED` and
   * `OTEL_TRACES_EXPORTER` (`otlp`, `console`, `none`) are honoured. It decides whether to trace; the OTLP
   * exporter reads its own settings from `process.env`.
   * @default process.env
   */
  env?: Record<string, string | undefined>
  /** Exports to this instead of what the variables say, and turns tracing on (specs use an in-memory one). */
  exporter?: SpanExporter
}

const disabled: Telemetry = { enabled: false, flush: async () => {}, shutdown: async () => {} }
let started: Telemetry | undefined

/**
 * Starts OpenTelemetry tracing for this process when the environment asks for it (an OTLP endpoint, or
 * `OTEL_TRACES_EXPORTER=console`): a tracer provider with batched export, the AsyncLocalStorage context
 * manager and the W3C propagator, registered globally so that every toolkit package's spans reach it.
 * Otherwise nothing is loaded and the no-op tracer stays: no span is made, and trace ids are passed on as
 * before. Tracing starts once per process: once started, a further call returns the running one.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  if (started !== undefined) return started
  const env = options.env ?? process.env
  const exporters = options.exporter === undefined ? exportersOf(env) : []
  if (options.exporter === undefined && exporters.length === 0) return disabled
  // Loaded only when tracing is on: a process without it pays nothing, not even the import.
  const [{ NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ])
  const spanExporters: SpanExporter[] =
    options.exporter === undefined
      ? await Promise.all(exporters.map((kind) => (kind === 'console' ? new ConsoleSpanExporter() : otlpExporter(env))))
      : [options.exporter]
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': options.service, 'process.pid': process.pid }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: spanExporters.map((exporter) => new BatchSpanProcessor(exporter)),
  })
  provider.register()
  started = {
    enabled: true,
    async flush() {
      await provider.forceFlush()
    },
    async shutdown() {
      await provider.shutdown()
    },
  }
  return started
}

/** The running telemetry's shutdown (a no-op when none was started): flushes what is buffered. */
export async function shutdownTelemetry(): Promise<void> {
  await started?.shutdown()
}

function exportersOf(env: Record<string, string | undefined>): ('otlp' | 'console')[] {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return []
  const endpoint = (env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '').trim()
  const named = (env['OTEL_TRACES_EXPORTER'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (named.includes('none')) return []
  // The standard default exporter is otlp; without an endpoint it is not worth a span.
  const wanted = named.length === 0 ? ['otlp'] : named
  const unknown = wanted.filter((name) => name !== 'otlp' && name !== 'console')
  if (unknown.length > 0)
    throw new ConfigInvalid(`OTEL_TRACES_EXPORTER: ${unknown.join(', ')} is not supported (otlp, console or none)`)
  return wanted.filter((name) => name === 'console' || endpoint !== '') as ('otlp' | 'console')[]
}

// The exporters read the endpoint, headers, timeout and compression from the environment themselves.
async function otlpExporter(env: Record<string, string | undefined>): Promise<SpanExporter> {
  const protocol = (
    env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ??
    env['OTEL_EXPORTER_OTLP_PROTOCOL'] ??
    'http/protobuf'
  ).trim()
  if (protocol === 'http/protobuf')
    return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
  if (protocol === 'http/json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter()
  throw new ConfigInvalid(
    `OTEL_EXPORTER_OTLP_PROTOCOL: ${protocol} is not supported; ` +
      'use http/protobuf or http/json (OTLP over HTTP, port 4318)',
  )
}
