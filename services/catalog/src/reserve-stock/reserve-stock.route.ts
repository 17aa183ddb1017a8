import type { Clock, IdGenerator } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import { apiSecurity, problemsOf, requireService, type ServiceApp } from '@seams/service-kit'
import {
  IdParams,
  Reservation,
  ReserveStockRequest,
  catalogErrorCodes,
  reserveStockProblemCodes,
} from '@shop/catalog-contracts'
import { OutOfStock, ReservationMismatch, ReservationNotFound, UnknownProduct } from '../errors.ts'
import { stockChanged } from '../products/product-events.ts'
import { changeStock, lockProducts } from '../products/product-store.ts'
import { decideReservation, mergeItems, requestHash, type ReservationDecision } from './reserve-stock.ts'
import {
  claimReservation,
  insertReservationItems,
  loadReservation,
  rejectReservation,
  type StoredReservation,
} from './reservation-store.ts'

export interface ReserveStockDeps {
  outbox: Outbox
  newId: IdGenerator
  now: Clock
  /** Services allowed to reserve and release stock. */
  reservationCallers: readonly string[]
}

function refusal(decision: Extract<ReservationDecision, { ok: false }>): Error {
  const details = { productId: decision.productId, requested: decision.requested, available: decision.available }
  return decision.reason === 'OUT_OF_STOCK'
    ? new OutOfStock(
        `Only ${decision.available} of product ${decision.productId} available, ${decision.requested} requested`,
        { details },
      )
    : new UnknownProduct(`No product ${decision.productId}`, { details })
}

/** The answer to a repeated reservation id: the first outcome again, unless the items differ. */
function replay(stored: StoredReservation, hash: string): Reservation {
  if (stored.requestHash !== hash)
    throw new ReservationMismatch(`Reservation ${stored.reservation.reservationId} was made with other items`)
  if (stored.rejection !== null) throw refusal(stored.rejection)
  return stored.reservation
}

export function reserveStockRoutes(app: ServiceApp, deps: ReserveStockDeps): void {
  const { outbox } = deps

  // Called by the checkout saga: reserves every line or none; the reservation id makes retries safe.
  app.post(
    '/reservations',
    {
      schema: {
        summary: 'Reserve stock (services only)',
        operationId: 'reserveStock',
        tags: ['reservations'],
        security: apiSecurity.service,
        problems: problemsOf(catalogErrorCodes, ...reserveStockProblemCodes),
        body: ReserveStockRequest,
        response: { 200: Reservation, 201: Reservation },
      },
    },
    async (request, reply) => {
      requireService(request, deps.reservationCallers)
      const { reservationId } = request.body
      const items = mergeItems(request.body.items)
      const hash = requestHash(items)
      const outcome = await outbox.transaction(async (tx) => {
        // Claiming the id first serialises concurrent retries of one reservation on its primary key.
        if (!(await claimReservation(tx, reservationId, hash))) {
          const replayed = await loadReservation(tx, reservationId)
          if (replayed === undefined) throw new Error(`reservation ${reservationId} was claimed but cannot be read`)
          return { kind: 'replayed' as const, replayed }
        }
        const decision = decideReservation(
          items,
          await lockProducts(
            tx,
            items.map((item) => item.productId),
          ),
        )
        if (!decision.ok) {
          await rejectReservation(tx, reservationId, decision)
          return { kind: 'decided' as const, decision }
        }
        // In one round trip: the lines do not depend on the new stock.
        const [changed] = await Promise.all([
          changeStock(tx, new Map(decision.lines.map((line) => [line.productId, -line.quantity]))),
          insertReservationItems(tx, reservationId, decision.lines),
        ])
        const quantities = new Map(decision.lines.map((line) => [line.productId, line.quantity]))
        await outbox.enqueue(
          tx,
          changed.map((product) =>
            stockChanged(
              deps,
              product,
              { delta: -quantities.get(product.id)!, reason: 'reserved', reservationId },
              request.trace,
            ),
          ),
        )
        return { kind: 'decided' as const, decision }
      })
      if (outcome.kind === 'replayed') return reply.code(200).send(replay(outcome.replayed, hash))
      if (!outcome.decision.ok) throw refusal(outcome.decision)
      return reply.code(201).send({ reservationId, status: 'reserved', items: outcome.decision.lines })
    },
  )

  // Reservation state, for the saga's recovery and for invariant checks.
  app.get(
    '/reservations/:id',
    {
      schema: {
        summary: 'Get a reservation (services only)',
        operationId: 'getReservation',
        tags: ['reservations'],
        security: apiSecurity.service,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_RESERVATION_NOT_FOUND'),
        params: IdParams,
        response: { 200: Reservation },
      },
    },
    async (request) => {
      requireService(request, deps.reservationCallers)
      const stored = await loadReservation(outbox.sql, request.params.id)
      if (stored === undefined) throw new ReservationNotFound(`No reservation ${request.params.id}`)
      return stored.reservation
    },
  )
}
