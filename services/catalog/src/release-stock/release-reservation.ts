import type { Clock, IdGenerator, TraceContext } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { TransactionSql } from '@seams/service-kit'
import { stockChanged } from '../products/product-events.ts'
import { changeStock, lockProducts } from '../products/product-store.ts'
import { loadReservation, markReservationReleased, type StoredReservation } from '../reserve-stock/reservation-store.ts'

export interface ReleaseDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
}

/**
 * Returns a reservation's stock in the given transaction. Releasing twice, or releasing a refused
 * reservation, changes nothing; undefined when the reservation never existed.
 */
export async function releaseReservation(
  tx: TransactionSql,
  deps: ReleaseDeps,
  reservationId: string,
  trace: TraceContext,
): Promise<StoredReservation | undefined> {
  const released = await markReservationReleased(tx, reservationId)
  const stored = await loadReservation(tx, reservationId)
  if (!released || stored === undefined) return stored
  const lines = stored.reservation.items
  const quantities = new Map(lines.map((line) => [line.productId, line.quantity]))
  // In id order, as reservations lock them: locked in the update's own order, they deadlocked under load.
  await lockProducts(tx, [...quantities.keys()])
  const changed = await changeStock(tx, quantities)
  await deps.outbox.enqueue(
    tx,
    changed.map((product) =>
      stockChanged(deps, product, { delta: quantities.get(product.id)!, reason: 'released', reservationId }, trace),
    ),
  )
  return stored
}
