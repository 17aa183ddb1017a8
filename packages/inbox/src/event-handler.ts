import type { DeliveredEvent, EventContract, EventData } from '@seams/core'
import type { TransactionSql } from 'postgres'
import { NotConsumerLeader } from './errors.ts'

/** Applies one event inside the consumer's transaction; throwing counts as a failed attempt. */
export interface EventHandler<C extends EventContract = EventContract> {
  contract: C
  handle(tx: TransactionSql, event: DeliveredEvent<EventData<C>>): Promise<void>
  /** Applies a run of consecutive events of this type at once, when the handler can (see {@link onBatch}). */
  handleBatch?(tx: TransactionSql, events: DeliveredEvent<EventData<C>>[]): Promise<void>
}

/** Declares the handler for one contract (the version the handler is written for). */
export function on<C extends EventContract>(
  contract: C,
  handle: (tx: TransactionSql, event: DeliveredEvent<EventData<C>>) => Promise<void>,
): EventHandler {
  return { contract, handle } as unknown as EventHandler
}

/**
 * Declares a handler that applies consecutive events of one type in one go (one statement for many
 * rows): the consumer hands it every run of that type in a batch, in feed order, and single events when
 * it isolates a failing one.
 */
export function onBatch<C extends EventContract>(
  contract: C,
  handleBatch: (tx: TransactionSql, events: DeliveredEvent<EventData<C>>[]) => Promise<void>,
): EventHandler {
  const handler: EventHandler<C> = { contract, handle: (tx, event) => handleBatch(tx, [event]), handleBatch }
  return handler as unknown as EventHandler
}

/**
 * Errors that say nothing about the event: the database or network failed. The batch is delivered
 * again later instead of counting an attempt against the event.
 */
export function isInfrastructureError(error: unknown): boolean {
  if (error instanceof NotConsumerLeader) return true
  const code = String((error as { code?: unknown }).code ?? '')
  return (
    code.startsWith('08') || // connection exceptions
    code.startsWith('53') || // insufficient resources
    code.startsWith('57P') || // operator intervention, e.g. admin shutdown
    code === '40001' || // serialization failure
    code === '40P01' || // deadlock detected
    code === '55P03' || // lock not available
    code.startsWith('CONNECTION_') ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET'
  )
}
