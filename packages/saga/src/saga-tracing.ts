import { inSpan, parseTraceparent, type TraceContext } from '@seams/core'
import type { SagaDefinition } from './saga-definition.ts'
import type { SagaRow } from './saga-store.ts'

/**
 * Runs one move of a saga (a step, a compensation, its completion) in a span of the trace that began the
 * saga, as its definition finds it in the data; a saga with none starts a trace per move. Without a tracer
 * provider no span is made and `work` still gets a trace context under the saga's.
 */
export function inSagaSpan<T>(
  row: SagaRow,
  definition: SagaDefinition<unknown> | undefined,
  move: string,
  work: (trace: TraceContext) => Promise<T>,
): Promise<T> {
  const parent = parseTraceparent(definition?.traceparent?.(row.data))
  return inSpan(
    '@seams/saga',
    `${row.type} ${move}`,
    {
      parent,
      root: parent === undefined,
      attributes: { 'saga.type': row.type, 'saga.id': row.id, 'saga.move': move, 'saga.attempt': row.attempts + 1 },
    },
    (trace) => work(trace),
  )
}
