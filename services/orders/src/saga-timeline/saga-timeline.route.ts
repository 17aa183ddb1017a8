import { NotFound } from '@seams/core'
import { requireService, type ServiceApp, type Sql } from '@seams/service-kit'
import Type, { type Static } from 'typebox'

const SagaParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

export interface SagaTimelineDeps {
  sql: Sql
  /** Identities allowed on the /ops routes. */
  operators: readonly string[]
}

/**
 * Operators follow one saga (an order's checkout or cancellation, by the order's id): where it stands and
 * each step it took or undid, with when. The console's "follow an order" view reads it.
 */
export function sagaTimelineRoutes(app: ServiceApp, deps: SagaTimelineDeps): void {
  // One saga's state and its audit trail, oldest step first.
  app.get<{ Params: Static<typeof SagaParams> }>(
    '/ops/sagas/:id',
    { schema: { hide: true, params: SagaParams } },
    async (request) => {
      requireService(request, deps.operators)
      const [saga] = await deps.sql<
        {
          id: string
          type: string
          status: string
          failure: string | null
          data: Record<string, unknown>
          createdAt: Date
          updatedAt: Date
        }[]
      >`
        select id, type, status, failure, data, created_at as "createdAt", updated_at as "updatedAt"
        from seams_sagas where id = ${request.params.id}`
      if (saga === undefined) throw new NotFound(`no saga ${request.params.id}`)
      const steps = await deps.sql<
        { step: string; direction: string; outcome: string; detail: string | null; at: Date }[]
      >`
        select step, direction, outcome, detail, at from seams_saga_steps
        where saga_id = ${request.params.id} order by id`
      return { ...saga, steps }
    },
  )
}
