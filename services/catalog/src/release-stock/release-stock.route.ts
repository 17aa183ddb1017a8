import { apiSecurity, problemsOf, requireService, type ServiceApp } from '@seams/service-kit'
import { IdParams, Reservation, catalogErrorCodes } from '@shop/catalog-contracts'
import { ReservationNotFound } from '../errors.ts'
import { releaseReservation, type ReleaseDeps } from './release-reservation.ts'

export function releaseStockRoutes(
  app: ServiceApp,
  deps: ReleaseDeps & { reservationCallers: readonly string[] },
): void {
  // Compensation: returns a reservation's stock; releasing again is a no-op answering the same.
  app.post(
    '/reservations/:id/release',
    {
      schema: {
        summary: 'Release a reservation (services only)',
        operationId: 'releaseReservation',
        tags: ['reservations'],
        security: apiSecurity.service,
        problems: problemsOf(catalogErrorCodes, 'CATALOG_RESERVATION_NOT_FOUND'),
        params: IdParams,
        response: { 200: Reservation },
      },
    },
    async (request) => {
      requireService(request, deps.reservationCallers)
      const released = await deps.outbox.transaction((tx) =>
        releaseReservation(tx, deps, request.params.id, request.trace),
      )
      if (released === undefined) throw new ReservationNotFound(`No reservation ${request.params.id}`)
      return released.reservation
    },
  )
}
