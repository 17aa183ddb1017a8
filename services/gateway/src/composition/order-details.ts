import { withDeadline } from '@seams/core'
import { Product } from '@shop/catalog-contracts'
import { Order } from '@shop/orders-contracts'
import { Payment } from '@shop/payments-contracts'
import { User } from '@shop/users-contracts'
import Type, { type Static, type TSchema } from 'typebox'

/** One part of a composed answer: its data, or why it is missing (the rest of the answer still stands). */
const Part = <T extends TSchema>(data: T) =>
  Type.Union([
    Type.Object({ status: Type.Literal('ok'), data }),
    Type.Object({ status: Type.Literal('unavailable'), reason: Type.String({ maxLength: 500 }) }),
  ])

export const OrderDetails = Type.Object({
  order: Order,
  customer: Part(User),
  products: Part(Type.Array(Product, { maxItems: 50 })),
  payment: Part(Type.Union([Payment, Type.Null()])),
})
export type OrderDetails = Static<typeof OrderDetails>

export type PartOf<T> = { status: 'ok'; data: T } | { status: 'unavailable'; reason: string }

/**
 * Runs a part's fetch under its own deadline; a failure becomes an `unavailable` part, never an error.
 * The client is told which owner failed and whether it was late, nothing more: the error itself (hosts,
 * ports, an upstream's own answer) goes to `onFailure`, for the log.
 */
export async function part<T>(
  owner: string,
  fetchPart: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  onFailure: (error: unknown) => void,
): Promise<PartOf<T>> {
  try {
    return { status: 'ok', data: await withDeadline(timeoutMs, fetchPart) }
  } catch (error) {
    onFailure(error)
    const late = error instanceof DOMException && error.name === 'TimeoutError'
    return {
      status: 'unavailable',
      reason: late
        ? `the ${owner} service did not answer within ${timeoutMs} ms`
        : `the ${owner} service could not provide it`,
    }
  }
}
