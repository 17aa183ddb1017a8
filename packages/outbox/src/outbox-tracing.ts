import { SpanKind, trace, type Span } from '@opentelemetry/api'
import {
  contextWithParent,
  failSpan,
  formatTraceparent,
  insideRecordingSpan,
  linksTo,
  messagingAttributes,
  parseTraceparent,
  traceContextOf,
  tracingEnabled,
  type EventEnvelope,
} from '@seams/core'

/** Events about to be written, with the spans that stand for their creation. */
export interface ProducedEvents {
  /** What to write: each traced event's `traceparent` names its own creation span. */
  events: readonly EventEnvelope[]
  end(error?: unknown): void
}

const nothingToEnd = () => {}

/**
 * One producer span per event being enqueued (`create <type>`), a child of the trace the event carries (or
 * of the active span), and the event rewritten to carry that span instead: the relay's publish span links
 * to it and the consumers' spans continue it. Events of no trace stay as they are; without a tracer provider
 * nothing changes at all.
 */
export function produceEvents(source: string, events: readonly EventEnvelope[]): ProducedEvents {
  if (!tracingEnabled()) return { events, end: nothingToEnd }
  const spans: Span[] = []
  const tracer = trace.getTracer('@seams/outbox')
  const traced = events.map((event) => {
    const parent = parseTraceparent(event.traceparent)
    if (parent === undefined && !insideRecordingSpan()) return event
    const span = tracer.startSpan(
      `create ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [messagingAttributes.system]: 'seams',
          [messagingAttributes.operationType]: 'create',
          [messagingAttributes.destination]: source,
          [messagingAttributes.messageId]: event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_subject': event.subject,
        },
      },
      contextWithParent(parent),
    )
    spans.push(span)
    return { ...event, traceparent: formatTraceparent(traceContextOf(span)) }
  })
  return {
    events: traced,
    end(error) {
      for (const span of spans) {
        if (error !== undefined) failSpan(span, error)
        span.end()
      }
    },
  }
}

/**
 * The relay's span for one stamped batch (`publish <source>`), started when the stamping began, with a link
 * to each event's creation span: a batch belongs to many traces, so it starts a trace of its own. Undefined
 * without a tracer provider.
 */
export function publishSpan(
  source: string,
  startTime: number,
  traceparents: readonly (string | null | undefined)[],
): Span | undefined {
  if (!tracingEnabled()) return undefined
  return trace.getTracer('@seams/outbox').startSpan(`publish ${source}`, {
    kind: SpanKind.PRODUCER,
    root: true,
    startTime,
    links: linksTo(traceparents),
    attributes: {
      [messagingAttributes.system]: 'seams',
      [messagingAttributes.operationType]: 'send',
      [messagingAttributes.destination]: source,
      [messagingAttributes.batchCount]: traceparents.length,
    },
  })
}

/** The `traceparent` of a stamped record's envelope (JSON text, read only when tracing). */
export function traceparentOfRecord(envelope: string): string | undefined {
  try {
    const parsed = JSON.parse(envelope) as { traceparent?: unknown }
    return typeof parsed.traceparent === 'string' ? parsed.traceparent : undefined
  } catch {
    return undefined
  }
}
