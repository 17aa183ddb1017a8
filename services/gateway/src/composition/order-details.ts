import { withDeadline } from '@seams/core'
import { Product } from '@shop/catalog-contracts'
import { Order } from '@shop/orders-contracts'
import { Payment } from '@shop/payments-contracts'
import { User } from '@shop/users-contracts'
import Type, { type Static, type TSchema } from 'typebox'

/** One part of a composed answer: its data, or why it is missing (the rest of the answer still stands). */
const Part = <T extends TSchema>(data: T) =>
  Type.Union([Type.Object({ status: Type.Literal('ok'), data }), Type.Object({ status: Type.Literal('unavailable'), reason: Type.String() })])

export const OrderDetails = Type.Object({
  order: Order,
  customer: Part(User),
  products: Part(Type.Array(Product)),
  payment: Part(Type.Union([Payment, Type.Null()])),
})
export type OrderDetails = Static<typeof OrderDetails>

export type PartOf<T> = { status: 'ok'; data: T } | { status: 'unavailable'; reason: string }

/** Runs a part's fetch under its own deadline; a failure becomes an `unavailable` part, never an error. */
export async function part<T>(fetchPart: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<PartOf<T>> {
  try {
    return { status: 'ok', data: await withDeadline(timeoutMs, fetchPart) }
  } catch (error) {
    return { status: 'unavailable', reason: (error as Error).message }
  }
}
