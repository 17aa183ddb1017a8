import { context, ROOT_CONTEXT, SpanKind, trace, type Link, type Span } from '@opentelemetry/api'
import {
  contextWithParent,
  failSpan,
  inSpan,
  linksTo,
  messagingAttributes,
  parseTraceparent,
  tracingEnabled,
  type DeliveredEvent,
} from '@seams/core'

export interface ConsumerTraceNames {
  consumer: string
  source: string
  transport: string
}

/**
 * A delivered batch's span (`process <source>`): a trace of its own, linked to every event's producer span,
 * since one batch carries many traces. Without a tracer provider `work` runs as it is.
 */
export function inBatchSpan<T>(
  names: ConsumerTraceNames,
  events: readonly DeliveredEvent[],
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work()
  return inSpan(
    '@seams/inbox',
    `process ${names.source}`,
    {
      kind: SpanKind.CONSUMER,
      root: true,
      links: linksTo(events.map((event) => event.traceparent)),
      attributes: {
        [messagingAttributes.system]: names.transport,
        [messagingAttributes.operationType]: 'process',
        [messagingAttributes.destination]: names.source,
        [messagingAttributes.consumerGroup]: names.consumer,
        [messagingAttributes.batchCount]: events.length,
      },
    },
    () => work(),
  )
}

/**
 * Applies events in spans of their own traces (`apply <type>`): each continues the trace its producer put in
 * the envelope, so the effect shows in the trace of the request that caused it, and links to the span it
 * runs under (the batch's, or its transaction's, in the batch's trace). One event's span is active while its
 * handler runs (its queries nest under it); a handler applying several at once runs under the batch. Events
 * that carry no trace get no span of their own.
 */
export async function inEventSpans<T>(
  names: ConsumerTraceNames,
  events: readonly DeliveredEvent[],
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work()
  const batch = trace.getSpan(context.active())
  const links: Link[] = batch === undefined ? [] : [{ context: batch.spanContext() }]
  const tracer = trace.getTracer('@seams/inbox')
  const spans: Span[] = []
  for (const event of events) {
    const parent = parseTraceparent(event.traceparent)
    if (parent === undefined) continue
    spans.push(
      tracer.startSpan(
        `apply ${event.type}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            [messagingAttributes.system]: names.transport,
            [messagingAttributes.operationType]: 'process',
            [messagingAttributes.destination]: names.source,
            [messagingAttributes.consumerGroup]: names.consumer,
            [messagingAttributes.messageId]: event.id,
            'cloudevents.event_type': event.type,
            'cloudevents.event_subject': event.subject,
            'seams.feed.position': event.position,
          },
        },
        contextWithParent(parent, ROOT_CONTEXT),
      ),
    )
  }
  try {
    return spans.length === 1 && events.length === 1
      ? await context.with(trace.setSpan(context.active(), spans[0]!), work)
      : await work()
  } catch (error) {
    for (const span of spans) failSpan(span, error)
    throw error
  } finally {
    for (const span of spans) span.end()
  }
}
