import { randomFillSync } from 'node:crypto'
import { parseTraceParent } from '@opentelemetry/core'

/** W3C trace context of one hop: the trace it belongs to and this hop's own span. */
export interface TraceContext {
  traceId: string
  spanId: string
  sampled: boolean
}

/** Parses a `traceparent` header; undefined when absent or malformed (a new trace is then started). */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  if (header === undefined) return undefined
  const parsed = parseTraceParent(header)
  if (parsed === null) return undefined
  return { traceId: parsed.traceId, spanId: parsed.spanId, sampled: (parsed.traceFlags & 1) === 1 }
}

/** Starts this hop's span under `parent`, or a new trace when there is none. */
export function startSpan(parent: TraceContext | undefined): TraceContext {
  return {
    traceId: parent?.traceId ?? randomHex(16),
    spanId: randomHex(8),
    sampled: parent?.sampled ?? true,
  }
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`
}

// Every hop of every request starts a span: one system call per 4 KiB of ids instead of one per id.
const pool = Buffer.allocUnsafe(4096)
let poolOffset = pool.length

function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool)
    poolOffset = 0
  }
  poolOffset += bytes
  return pool.toString('hex', poolOffset - bytes, poolOffset)
}
