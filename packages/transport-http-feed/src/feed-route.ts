import { PROBLEM_CONTENT_TYPE, problemFromError } from '@seams/core'
import { FeedPurged, type FeedReader } from '@seams/outbox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import Type, { type Static } from 'typebox'

export interface FeedRouteOptions {
  reader: FeedReader
  /** Throws for a caller that may not read the feed; runs before anything is read. */
  authorize: (request: FastifyRequest) => void
  /**
   * Longest a request may wait for new events.
   * @default 20000
   */
  maxWaitMs?: number
}

const FeedQuery = Type.Object(
  {
    after: Type.Integer({
      format: 'int64',
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      default: 0,
      description: 'Position of the last event the reader has',
    }),
    limit: Type.Integer({ format: 'int32', minimum: 1, maximum: 1000, default: 256 }),
    types: Type.Optional(
      Type.String({ maxLength: 2000, pattern: '^[\\w.]+(,[\\w.]+)*$', description: 'Comma-separated event types' }),
    ),
    wait: Type.Integer({
      format: 'int32',
      minimum: 0,
      maximum: 60_000,
      default: 0,
      description: 'Milliseconds to wait when nothing is newer',
    }),
  },
  { additionalProperties: false },
)

/**
 * `GET /events`: the producer's feed, in position order. The body is assembled from the JSON texts the
 * database returns, so serving a page costs no parse and no re-serialisation of the events.
 */
export function registerFeedRoute(app: FastifyInstance, options: FeedRouteOptions): void {
  const maxWaitMs = options.maxWaitMs ?? 20_000
  // Waiting readers are released when the server closes, so a graceful stop does not wait out long polls.
  const closing = new AbortController()
  app.addHook('preClose', async () => closing.abort())
  app.get<{ Querystring: Static<typeof FeedQuery> }>(
    '/events',
    {
      schema: {
        summary: 'Events of this service after a position (long-polling)',
        operationId: 'readEvents',
        tags: ['events'],
        querystring: FeedQuery,
      },
    },
    async (request, reply) => {
      options.authorize(request)
      // Released when the reader goes away or the server closes. Not on every 'close': that event also
      // follows a completed answer, and aborting then would cost a DOMException per page.
      const released = new AbortController()
      const release = () => released.abort()
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) release()
      })
      closing.signal.addEventListener('abort', release, { once: true })
      const query = request.query
      let page
      try {
        page = await options.reader.read({
          after: query.after,
          limit: query.limit,
          types: query.types?.split(','),
          waitMs: Math.min(query.wait, maxWaitMs),
          signal: released.signal,
        })
      } catch (error) {
        // Answered here rather than by the app's error handler: readers recognise it by its code, and must
        // get it from any app the route is mounted in.
        if (!(error instanceof FeedPurged)) throw error
        const problem = problemFromError(error)
        return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem)
      } finally {
        closing.signal.removeEventListener('abort', release)
      }
      const body =
        `{"head":${JSON.stringify(page.head)},"next":${page.next},"oldest":${page.oldest},` +
        `"events":[${page.eventsJson}]}`
      return reply.type('application/json').send(body)
    },
  )
}
