import {
  context,
  ProxyTracerProvider,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
} from '@opentelemetry/api'
import { parseTraceparent, startSpan, type TraceContext } from './trace-context.ts'

// What the API hands out until an SDK registers a provider; a fresh proxy's delegate is that same no-op.
const noopProvider = new ProxyTracerProvider().getDelegate()

/**
 * Whether an OpenTelemetry tracer provider is registered (the service kit does so when an OTLP endpoint is
 * configured). Without one the toolkit makes no span at all, and trace ids are still made and passed on
 * the cheap way (`startSpan`), so logs and events keep their correlation at no cost.
 */
export function tracingEnabled(): boolean {
  return (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() !== noopProvider
}

/** The W3C trace context of an OpenTelemetry span, as the toolkit passes it to calls and events. */
export function traceContextOf(span: Span): TraceContext {
  const { traceId, spanId, traceFlags } = span.spanContext()
  return { traceId, spanId, sampled: (traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED }
}

/** A remote span context for `trace` (one that came in a header or an event). */
export function spanContextOf(trace: TraceContext): SpanContext {
  return {
    traceId: trace.traceId,
    spanId: trace.spanId,
    traceFlags: trace.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  }
}

/** `base` (by default the active context) with `parent` as its span; `base` itself when there is no parent. */
export function contextWithParent(parent: TraceContext | undefined, base: Context = context.active()): Context {
  return parent === undefined ? base : trace.setSpanContext(base, spanContextOf(parent))
}

/** A span link to what a `traceparent` names; undefined for a missing or malformed one. */
export function linkTo(traceparent: string | undefined): Link | undefined {
  const target = parseTraceparent(traceparent)
  return target === undefined ? undefined : { context: spanContextOf(target) }
}

/** Span links to each `traceparent` that names a span, at most `limit` of them (the SDK keeps 128 by default). */
export function linksTo(traceparents: Iterable<string | null | undefined>, limit = 128): Link[] {
  const links: Link[] = []
  for (const traceparent of traceparents) {
    if (links.length >= limit) break
    const link = linkTo(traceparent ?? undefined)
    if (link !== undefined) links.push(link)
  }
  return links
}

/** Whether the active context holds a span that records: work below it is worth a span of its own. */
export function insideRecordingSpan(): boolean {
  return trace.getSpan(context.active())?.isRecording() === true
}

/**
 * The trace an event handler's own calls and events continue. While tracing, the consumer runs a handler of
 * one event under that event's `apply` span: continuing the span keeps what the handler causes under a span that
 * is exported. Otherwise (no tracer provider, or no apply span of this event's trace) a child of the event's
 * `traceparent`, or a new trace when it has none.
 */
export function eventTraceContext(event: { traceparent?: string | undefined }): TraceContext {
  const parent = parseTraceparent(event.traceparent)
  const active = trace.getSpan(context.active())
  if (parent !== undefined && active?.isRecording() === true && active.spanContext().traceId === parent.traceId)
    return traceContextOf(active)
  return startSpan(parent)
}

/** Records `error` on `span` and marks it failed. */
export function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error))
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) })
}

export interface InSpanOptions extends SpanOptions {
  /**
   * The span's parent: a trace context that came with a request, an event or a saga. When absent the span
   * is a child of the active span (or a new trace); `root: true` ignores the active span.
   */
  parent?: TraceContext | undefined
}

/**
 * Runs `work` in a span named `name` of the tracer `tracer` (the package's name): the span is active while
 * `work` runs (so database and HTTP spans nest under it), ends when it settles, and records a thrown error.
 * `work` gets the span's trace context, to hand on to calls and events. With no tracer provider registered
 * nothing is made: `work` gets a child of `parent` (or a new trace) from the pooled ids and no span.
 */
export async function inSpan<T>(
  tracer: string,
  name: string,
  options: InSpanOptions,
  work: (trace: TraceContext, span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work(startSpan(options.parent), undefined)
  const { parent, ...spanOptions } = options
  const parentContext = contextWithParent(parent)
  const span = trace.getTracer(tracer).startSpan(name, spanOptions, parentContext)
  try {
    return await context.with(trace.setSpan(parentContext, span), () => work(traceContextOf(span), span))
  } catch (error) {
    failSpan(span, error)
    throw error
  } finally {
    span.end()
  }
}

/**
 * Attribute names of OpenTelemetry's messaging conventions, still incubating (so copied here, as the
 * conventions package advises, rather than imported from its unstable entry point).
 */
export const messagingAttributes = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  batchCount: 'messaging.batch.message_count',
  consumerGroup: 'messaging.consumer.group.name',
} as const
