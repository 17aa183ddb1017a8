import type { Reservation } from '@shop/catalog-contracts'
import type { Sql, TransactionSql } from '@seams/service-kit'
import type { ReservationDecision, ReservedLine } from './reserve-stock.ts'

export interface StoredReservation {
  reservation: Reservation
  requestHash: string
  rejection: Extract<ReservationDecision, { ok: false }> | null
}

export async function loadReservation(sql: Sql | TransactionSql, id: string): Promise<StoredReservation | undefined> {
  const [row] = await sql<
    { status: Reservation['status']; requestHash: string; rejection: StoredReservation['rejection'] }[]
  >`
    select status, request_hash as "requestHash", rejection from stock_reservations where id = ${id}`
  if (row === undefined) return undefined
  const items = await sql<ReservedLine[]>`
    select product_id as "productId", quantity, unit_price_cents as "unitPriceCents", currency
    from stock_reservation_items where reservation_id = ${id} order by product_id`
  return {
    reservation: { reservationId: id, status: row.status, items: [...items] },
    requestHash: row.requestHash,
    rejection: row.rejection,
  }
}

export async function insertReservationItems(
  tx: TransactionSql,
  reservationId: string,
  lines: readonly ReservedLine[],
): Promise<void> {
  await tx`
    insert into stock_reservation_items (reservation_id, product_id, quantity, unit_price_cents, currency)
    select ${reservationId}, * from unnest(
      ${lines.map((line) => line.productId)}::uuid[],
      ${lines.map((line) => line.quantity)}::int[],
      ${lines.map((line) => line.unitPriceCents)}::bigint[],
      ${lines.map((line) => line.currency)}::text[])`
}

/**
 * Claims a reservation id for this request; false when it was claimed before (a retry, or a concurrent
 * one: the primary key serialises them).
 */
export async function claimReservation(tx: TransactionSql, id: string, requestHash: string): Promise<boolean> {
  const [claimed] = await tx`
    insert into stock_reservations (id, status, request_hash) values (${id}, 'reserved', ${requestHash})
    on conflict (id) do nothing returning id`
  return claimed !== undefined
}

/** Keeps the refusal, so that a retry of the reservation gets the same answer. */
export async function rejectReservation(
  tx: TransactionSql,
  id: string,
  rejection: NonNullable<StoredReservation['rejection']>,
): Promise<void> {
  await tx`update stock_reservations set status = 'rejected', rejection = ${tx.json(rejection)} where id = ${id}`
}

/** Marks a held reservation released; false when it was not held (released before, refused, unknown). */
export async function markReservationReleased(tx: TransactionSql, id: string): Promise<boolean> {
  const [row] = await tx`
    update stock_reservations set status = 'released', released_at = now()
    where id = ${id} and status = 'reserved' returning id`
  return row !== undefined
}
