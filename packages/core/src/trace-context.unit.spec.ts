import { describe, expect, it } from 'vitest'
import { formatTraceparent, parseTraceparent, startSpan } from './trace-context.ts'

describe('trace context', () => {
  it('starts a new trace of valid, distinct ids when there is no parent', () => {
    const spans = Array.from({ length: 1000 }, () => startSpan(undefined))
    for (const span of spans) expect(parseTraceparent(formatTraceparent(span))).toEqual(span)
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1000)
    expect(new Set(spans.map((span) => span.spanId)).size).toBe(1000)
  })

  it('keeps the trace and sampling of the parent, with a span of its own', () => {
    const parent = parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')!
    const child = startSpan(parent)
    expect(child).toMatchObject({ traceId: parent.traceId, sampled: false })
    expect(child.spanId).not.toBe(parent.spanId)
  })

  it('ignores a malformed traceparent', () => {
    expect(parseTraceparent('00-zz-1-01')).toBeUndefined()
  })
})
