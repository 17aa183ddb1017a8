import { propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import {
  contextWithParent,
  failSpan,
  formatTraceparent,
  insideRecordingSpan,
  startSpan,
  tracingEnabled,
  type TraceContext,
} from '@seams/core'
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions'

/** One attempt's client span, or nothing to record; `end` takes the answer's status or the error. */
export interface AttemptSpan {
  end(status: number): void
  fail(error: unknown): void
}

const untraced: AttemptSpan = { end: () => {}, fail: () => {} }

/**
 * Puts the trace context on an attempt's headers and, when a tracer provider is registered and the call has
 * a parent (the caller's `trace`, or an active recording span), starts its HTTP client span. A call with
 * no parent (a feed's long poll, a readiness probe) is sent as an unsampled trace of its own, so that the
 * dependency records nothing for it either.
 */
export function startAttemptSpan(
  dependency: string,
  method: string,
  url: string,
  parent: TraceContext | undefined,
  headers: Record<string, string>,
): AttemptSpan {
  if (!tracingEnabled()) {
    headers['traceparent'] = formatTraceparent(startSpan(parent))
    return untraced
  }
  if (parent === undefined && !insideRecordingSpan()) {
    headers['traceparent'] = formatTraceparent({ ...startSpan(undefined), sampled: false })
    return untraced
  }
  const parsed = new URL(url)
  const parentContext = contextWithParent(parent)
  const span: Span = trace.getTracer('@seams/http-client').startSpan(
    `${method} ${dependency}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_FULL]: url,
        [ATTR_SERVER_ADDRESS]: parsed.hostname,
        [ATTR_SERVER_PORT]: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)),
        'peer.service': dependency,
      },
    },
    parentContext,
  )
  propagation.inject(trace.setSpan(parentContext, span), headers)
  return {
    end(status) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status)
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    },
    fail(error) {
      failSpan(span, error)
      span.end()
    },
  }
}
