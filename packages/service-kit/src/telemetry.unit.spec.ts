import { Writable } from 'node:stream'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node'
import { eventTraceContext, formatTraceparent, inSpan, parseTraceparent, tracingEnabled } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { ConfigInvalid } from './errors.ts'
import { createLogger } from './logger.ts'
import { startTelemetry } from './telemetry.ts'

const parent = parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')!

function collectingLogger() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })
  return { logger: createLogger({ service: 'spec', destination }), lines }
}

// The tests run in order: first without a tracer provider, then with the SDK started on an in-memory exporter.
describe('telemetry', () => {
  it('starts nothing without an endpoint, and spans then cost nothing but ids', async () => {
    expect((await startTelemetry({ service: 'spec', env: {} })).enabled).toBe(false)
    expect((await startTelemetry({ service: 'spec', env: { OTEL_TRACES_EXPORTER: 'none' } })).enabled).toBe(false)
    expect(tracingEnabled()).toBe(false)
    const { logger, lines } = collectingLogger()
    const seen = await inSpan('spec', 'work', { parent }, async (trace, span) => {
      logger.info('inside')
      return { trace, span }
    })
    expect(seen.span).toBeUndefined()
    expect(seen.trace.traceId).toBe(parent.traceId)
    expect(seen.trace.spanId).not.toBe(parent.spanId)
    expect(lines[0]).not.toHaveProperty('trace_id')
  })

  it('refuses exporters and protocols it cannot honour, naming the variable', async () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }
    await expect(
      startTelemetry({ service: 'spec', env: { ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' } }),
    ).rejects.toThrow(ConfigInvalid)
    await expect(
      startTelemetry({ service: 'spec', env: { ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }),
    ).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: grpc/)
    expect(tracingEnabled()).toBe(false)
  })

  it('records spans under their given parent, nests what runs inside, and puts their ids in log lines', async () => {
    const exporter = new InMemorySpanExporter()
    const telemetry = await startTelemetry({ service: 'spec', exporter })
    expect(tracingEnabled()).toBe(true)
    const { logger, lines } = collectingLogger()

    const outer = await inSpan('spec', 'saga step', { parent }, (trace) =>
      inSpan('spec', 'call', { kind: SpanKind.CLIENT }, async (inner) => {
        logger.info('calling')
        return { trace, inner }
      }),
    )
    await expect(
      inSpan('spec', 'failing', {}, async () => {
        throw new Error('no answer')
      }),
    ).rejects.toThrow('no answer')
    await telemetry.flush()

    const spans = exporter.getFinishedSpans()
    const step = spans.find((span) => span.name === 'saga step')!
    const call = spans.find((span) => span.name === 'call')!
    const failing = spans.find((span) => span.name === 'failing')!
    expect(step.spanContext().traceId).toBe(parent.traceId)
    expect(step.parentSpanContext?.spanId).toBe(parent.spanId)
    expect(call.parentSpanContext?.spanId).toBe(step.spanContext().spanId)
    expect(call.kind).toBe(SpanKind.CLIENT)
    // What work is handed is the span itself, so calls and events it makes continue from it.
    expect(formatTraceparent(outer.trace)).toBe(`00-${parent.traceId}-${step.spanContext().spanId}-01`)
    expect(outer.inner.spanId).toBe(call.spanContext().spanId)
    expect(failing.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'no answer' })
    expect(failing.events.map((event) => event.name)).toEqual(['exception'])
    expect(failing.spanContext().traceId).not.toBe(parent.traceId)
    expect(step.resource.attributes['service.name']).toBe('spec')
    expect(lines[0]).toMatchObject({ trace_id: parent.traceId, span_id: call.spanContext().spanId })
    await telemetry.shutdown()
  })

  it("continues an event handler's apply span, and the event's own trace outside one", async () => {
    const exporter = new InMemorySpanExporter()
    const telemetry = await startTelemetry({ service: 'spec', exporter })
    const event = { traceparent: formatTraceparent(parent) }
    const inApply = await inSpan('spec', 'apply spec.Event', { parent }, async (trace) => ({
      trace,
      continued: eventTraceContext(event),
      // An apply span of another event's trace is not this event's: its handler starts from the event.
      other: eventTraceContext({ traceparent: '00-1af7651916cd43dd8448eb211c80319c-c7ad6b7169203331-01' }),
    }))
    expect(inApply.continued).toEqual(inApply.trace)
    expect(inApply.other.traceId).toBe('1af7651916cd43dd8448eb211c80319c')
    const outside = eventTraceContext(event)
    expect(outside.traceId).toBe(parent.traceId)
    expect(outside.spanId).not.toBe(parent.spanId)
    expect(eventTraceContext({}).traceId).not.toBe(parent.traceId)
    await telemetry.shutdown()
  })
})
