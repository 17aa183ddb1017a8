import { Conflict, NotFound } from '@seams/core'
import { listDeadLetters, requestDeadLetterRetry } from '@seams/inbox'
import type { RebuildProgress } from '@seams/projector'
import { requireService, type ServiceApp } from '@seams/service-kit'
import type { Sql } from 'postgres'
import Type, { type Static } from 'typebox'
import type { Eventing } from './eventing.ts'

const DeadLetterQuery = Type.Object(
  { consumer: Type.Optional(Type.String({ maxLength: 200 })), includeResolved: Type.Boolean({ default: false }) },
  { additionalProperties: false },
)
const RetryRequest = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 })),
    consumer: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
const ConsumerParams = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9_.-]{1,200}$' }),
    action: Type.Union([Type.Literal('pause'), Type.Literal('resume')]),
  },
  { additionalProperties: false },
)
const OutboxQuery = Type.Object(
  {
    subject: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
    type: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  },
  { additionalProperties: false },
)
const InboxQuery = Type.Object(
  { eventId: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
)
const ProjectionParams = Type.Object(
  { name: Type.String({ pattern: '^[a-z_][a-z0-9_]*$' }) },
  { additionalProperties: false },
)

/**
 * Operator endpoints for the events machinery of one service: consumer status, dead letters and
 * read-model rebuilds. Only the services named in `operators` (the `seams` command line) may call them.
 */
export function registerOperationsRoutes(
  app: ServiceApp,
  deps: { sql: Sql; eventing: Eventing; operators: readonly string[] },
): void {
  const rebuilds = new Map<string, { progress?: RebuildProgress; error?: string; running: boolean }>()

  // Relay leadership, consumer lag and which replica runs each consumer.
  app.get('/ops/events', { schema: { hide: true } }, async (request) => {
    requireService(request, deps.operators)
    return deps.eventing.status()
  })

  // Stops or starts one consumer of this process: its read model goes stale on purpose, then catches up.
  app.post<{ Params: Static<typeof ConsumerParams> }>(
    '/ops/consumers/:name/:action',
    { schema: { hide: true, params: ConsumerParams } },
    async (request) => {
      requireService(request, deps.operators)
      const { name, action } = request.params
      if (action === 'pause') await deps.eventing.pause(name)
      else deps.eventing.resume(name)
      return { consumer: name, paused: action === 'pause' }
    },
  )

  // A network fault on demand: the NATS connection drops and reconnects (JetStream only; 409 otherwise).
  app.post('/ops/transport/reconnect', { schema: { hide: true } }, async (request) => {
    requireService(request, deps.operators)
    if (!(await deps.eventing.dropConnection())) throw new Conflict('this service moves events over HTTP feeds')
    return { dropped: true }
  })

  // The newest events this service produced, by subject or type: what one order, payment or product caused.
  app.get<{ Querystring: Static<typeof OutboxQuery> }>(
    '/ops/outbox',
    { schema: { hide: true, querystring: OutboxQuery } },
    async (request) => {
      requireService(request, deps.operators)
      const { subject, type, limit } = request.query
      const rows = await deps.sql<
        { eventId: string; type: string; subject: string; createdAt: Date; stampedAt: Date | null; data: unknown }[]
      >`
        select event_id as "eventId", type, subject, created_at as "createdAt", stamped_at as "stampedAt",
          envelope::jsonb -> 'data' as data
        from seams_outbox
        where (${subject ?? null}::text[] is null or subject = any(${subject ?? null}::text[]))
          and (${type ?? null}::text is null or type = ${type ?? null}::text)
        order by id desc limit ${limit}`.catch((error: unknown) => {
        // A pure consumer has no outbox: it produced nothing.
        if ((error as { code?: string }).code === '42P01') return []
        throw error
      })
      return { events: rows }
    },
  )

  // When this service's consumers applied the given events (their inbox rows), for following one change through.
  app.get<{ Querystring: Static<typeof InboxQuery> }>(
    '/ops/inbox',
    { schema: { hide: true, querystring: InboxQuery } },
    async (request) => {
      requireService(request, deps.operators)
      const applied = await deps.sql<{ consumer: string; eventId: string; processedAt: Date }[]>`
        select consumer, event_id as "eventId", processed_at as "processedAt"
        from seams_inbox where event_id = any(${request.query.eventId}::uuid[])
        order by processed_at`
      return { applied }
    },
  )

  // Events that could not be applied, with their errors.
  app.get<{ Querystring: Static<typeof DeadLetterQuery> }>(
    '/ops/dead-letters',
    { schema: { hide: true, querystring: DeadLetterQuery } },
    async (request) => {
      requireService(request, deps.operators)
      return { deadLetters: await listDeadLetters(deps.sql, request.query) }
    },
  )

  // Asks the consumers to apply dead letters again; they pick the request up within seconds.
  app.post<{ Body: Static<typeof RetryRequest> }>(
    '/ops/dead-letters/retry',
    { schema: { hide: true, body: RetryRequest } },
    async (request, reply) => {
      requireService(request, deps.operators)
      const marked = await requestDeadLetterRetry(deps.sql, request.body)
      return reply.code(202).send({ marked })
    },
  )

  // Replays a read model from the beginning into a fresh table and swaps it in; reads go on meanwhile.
  app.post<{ Params: Static<typeof ProjectionParams> }>(
    '/ops/projections/:name/rebuild',
    { schema: { hide: true, params: ProjectionParams } },
    async (request, reply) => {
      requireService(request, deps.operators)
      const name = request.params.name
      if (rebuilds.get(name)?.running === true) throw new Conflict(`a rebuild of ${name} is running`)
      const state: { progress?: RebuildProgress; error?: string; running: boolean } = { running: true }
      rebuilds.set(name, state)
      deps.eventing
        .rebuild(name, (progress) => (state.progress = progress))
        .catch((error: unknown) => (state.error = (error as Error).message))
        .finally(() => (state.running = false))
      return reply.code(202).send({ projection: name, status: 'started' })
    },
  )

  app.get<{ Params: Static<typeof ProjectionParams> }>(
    '/ops/projections/:name/rebuild',
    { schema: { hide: true, params: ProjectionParams } },
    async (request) => {
      requireService(request, deps.operators)
      const state = rebuilds.get(request.params.name)
      if (state === undefined) throw new NotFound(`no rebuild of ${request.params.name} was started in this process`)
      return {
        projection: request.params.name,
        running: state.running,
        error: state.error ?? null,
        progress: state.progress ?? null,
      }
    },
  )
}
