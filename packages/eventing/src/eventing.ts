import { NotFound, type ConsumerLag, type EventContract, type Logger, type Transport } from '@seams/core'
import type { TokenSource } from '@seams/http-client'
import { createConsumer, inboxMigrations, type Consumer, type ConsumerOptions, type EventHandler } from '@seams/inbox'
import {
  createFeedReader,
  createOutbox,
  createRelay,
  outboxMigrations,
  type FeedReader,
  type Outbox,
  type Relay,
} from '@seams/outbox/internal'
import {
  ensureProjectionTable,
  liveConsumerName,
  rebuildProjection,
  sharedRowsOrdering,
  type Projection,
  type RebuildProgress,
} from '@seams/projector/internal'
import type { Upcaster } from '@seams/schema-registry'
import { registerFeedRoute } from '@seams/transport-http-feed'
import type { NatsCredentials, NatsTransport } from '@seams/transport-nats'
import { createDatabase, requireService } from '@seams/service-kit'
import type { FastifyInstance } from 'fastify'
import type { Sql } from 'postgres'
import type { Registry } from 'prom-client'
import { createEventTransport, type TransportKind } from './transport.ts'

export interface EventingOptions {
  /** The service's own database. */
  sql: Sql
  /**
   * The same database's URL: leader locks (relay, consumers) then hold connections of a pool of their own,
   * never starving the pool that serves requests. Without it they share `sql`.
   */
  databaseUrl?: string
  service: string
  /** Event contracts this service publishes; empty for a pure consumer. */
  publishes: readonly EventContract[]
  transport: TransportKind
  /**
   * Event types this service declares it consumes (its package.json `seams.consumes`, read by the
   * contract registry); a consumer handling anything else is refused at start, so the two cannot drift.
   */
  consumes?: readonly string[]
  /** Base URLs of the producers whose HTTP feeds this service reads, by service name. */
  feeds?: Readonly<Record<string, string>>
  /** NATS servers for the JetStream transport (defaults: `createEventTransport`'s). */
  natsUrl?: string
  /** Keeps this deployment's streams apart from others on the same NATS server. */
  natsNamespace?: string
  /** This service's NATS login, e.g. its own user, permitted its own subjects and the streams it consumes. */
  natsCredentials?: NatsCredentials
  tokens?: TokenSource
  /**
   * Identities that may read this service's HTTP feed: its declared consumers. Anyone else, an end user
   * through the gateway included, is refused.
   * @default [] (nobody)
   */
  feedReaders?: readonly string[]
  logger?: Logger
  metrics?: Registry
  /**
   * Stamping batch size and wake-up behaviour of the relay.
   * @default {}
   */
  relay?: { batchSize?: number; pollIntervalMs?: number; retentionMs?: number }
}

export interface ConsumerDeclaration {
  /** Durable name, e.g. `orders.products`: `<service>.<what it keeps>`. */
  name: string
  source: string
  handlers: readonly EventHandler[]
  older?: readonly EventContract[]
  upcasters?: readonly Upcaster[]
  maxBatch?: number
  beforeApplying?: ConsumerOptions['beforeApplying']
  rowKey?: ConsumerOptions['rowKey']
}

export interface Eventing {
  readonly outbox: Outbox
  readonly transport: Transport
  /** Toolkit tables this service's database needs, before its own migrations. */
  readonly migrations: readonly { component: string; directory: string }[]
  /** Adds a consumer; it starts with `start()`. */
  consume(declaration: ConsumerDeclaration): Consumer
  /** Adds a read model: one consumer per source feeding its live table. */
  project(projection: Projection): void
  /** Creates missing read-model tables; call after migrations, before `start()`. */
  prepare(): Promise<void>
  /** Rebuilds a read model from the beginning of its sources and swaps it in. */
  rebuild(projection: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress>
  /** Serves `GET /events`, the service's feed, when it publishes anything. */
  registerRoutes(app: FastifyInstance): void
  /** Per consumer its source, lag, whether this replica runs it and whether an operator paused it. */
  status(): {
    relayLeader: boolean
    consumers: Record<string, ConsumerLag & { source: string; active: boolean; paused: boolean }>
  }
  /**
   * Stops one consumer in this process until `resume`, finishing the batch in hand; its cursor stays where it
   * is, so its lag grows while its producer goes on. For operators: a stale read model, on purpose.
   */
  pause(consumer: string): Promise<void>
  /** Starts a paused consumer again: it catches up from its cursor. */
  resume(consumer: string): void
  /**
   * With JetStream, drops this process's NATS connection as a network fault would; the client reconnects at
   * once and the consumers go on from their durable cursors. False for a transport without a connection.
   */
  dropConnection(): Promise<boolean>
  /** Starts the relay and the consumers. */
  start(): void
  /** Stops consumers and the relay, finishing the batch in hand. */
  stop(): Promise<void>
}

/** Everything a service needs to share its data by events, from one options object. */
export function createEventing(options: EventingOptions): Eventing {
  const publishing = options.publishes.length > 0
  // One connection per relay and consumer holding leadership, plus room for rebuilds; opened as needed.
  const leadershipSql =
    options.databaseUrl === undefined
      ? undefined
      : createDatabase(options.databaseUrl, { applicationName: `${options.service}-leadership`, max: 32 })
  const outbox = createOutbox({ sql: options.sql, source: options.service, contracts: options.publishes })
  const transport = createEventTransport({
    kind: options.transport,
    service: options.service,
    feeds: options.feeds,
    natsUrl: options.natsUrl,
    natsNamespace: options.natsNamespace,
    natsCredentials: options.natsCredentials,
    tokens: options.tokens,
    logger: options.logger,
    metrics: options.metrics,
  })
  const relay: Relay | undefined = publishing
    ? createRelay({
        outbox,
        transport,
        leadershipSql,
        logger: options.logger,
        metrics: options.metrics,
        ...options.relay,
      })
    : undefined
  const consumers: Consumer[] = []
  const paused = new Set<string>()
  let started = false
  const consumerNamed = (name: string) => {
    const consumer = consumers.find((candidate) => candidate.name === name)
    if (consumer === undefined) throw new NotFound(`${options.service} has no consumer ${name}`)
    return consumer
  }
  const projections = new Map<string, Projection>()
  let feed: FeedReader | undefined

  function consume(declaration: ConsumerDeclaration): Consumer {
    const undeclared = declaration.handlers
      .map((handler) => handler.contract.type)
      .filter((type) => options.consumes !== undefined && !options.consumes.includes(type))
    if (undeclared.length > 0)
      throw new TypeError(
        `${options.service} consumes ${undeclared.join(', ')} without declaring it in package.json seams.consumes`,
      )
    const consumer = createConsumer({
      sql: options.sql,
      leadershipSql,
      transport,
      logger: options.logger,
      metrics: options.metrics,
      ...declaration,
      // A handler may have enqueued events in the consumer's transaction, which the outbox did not open.
      onApplied: publishing ? () => outbox.wakeRelay() : undefined,
    })
    consumers.push(consumer)
    return consumer
  }

  return {
    outbox,
    transport,
    migrations: eventingMigrations(options.publishes),
    consume,
    project(projection) {
      projections.set(projection.name, projection)
      for (const source of projection.sources) {
        consume({
          name: liveConsumerName(options.service, projection, source.source),
          source: source.source,
          handlers: source.handlers(projection.name),
          ...sharedRowsOrdering(projection, source, projection.name),
        })
      }
    },
    async prepare() {
      for (const projection of projections.values()) await ensureProjectionTable(options.sql, projection)
    },
    async rebuild(name, onProgress) {
      const projection = projections.get(name)
      if (projection === undefined) throw new NotFound(`${options.service} has no read model ${name}`)
      return rebuildProjection({
        sql: options.sql,
        leadershipSql,
        service: options.service,
        projection,
        transport,
        logger: options.logger,
        onProgress,
      })
    },
    registerRoutes(app) {
      if (!publishing) return
      feed ??= createFeedReader(outbox)
      const readers = options.feedReaders ?? []
      registerFeedRoute(app, { reader: feed, authorize: (request) => void requireService(request, readers) })
    },
    status() {
      return {
        relayLeader: relay?.isLeader() ?? false,
        consumers: Object.fromEntries(
          consumers.map((consumer) => [
            consumer.name,
            {
              ...consumer.lag(),
              source: consumer.source,
              active: consumer.isLeader(),
              paused: paused.has(consumer.name),
            },
          ]),
        ),
      }
    },
    async pause(name) {
      const consumer = consumerNamed(name)
      paused.add(name)
      await consumer.stop()
    },
    async dropConnection() {
      if (!isNats(transport)) return false
      await (await transport.connection()).reconnect()
      return true
    },
    resume(name) {
      const consumer = consumerNamed(name)
      if (paused.delete(name) && started) consumer.start()
    },
    start() {
      if (publishing && isNats(transport)) {
        // Consumers may not be allowed to create this stream, and would wait for the first event otherwise.
        transport
          .ensureStream(options.service)
          .catch((error: unknown) =>
            options.logger?.warn(
              { err: error },
              'could not create the event stream yet; the relay creates it at its first publish',
            ),
          )
      }
      relay?.start()
      started = true
      for (const consumer of consumers) if (!paused.has(consumer.name)) consumer.start()
    },
    async stop() {
      await Promise.all(consumers.map((consumer) => consumer.stop()))
      await transport.close()
      await relay?.stop()
      await feed?.close()
      await leadershipSql?.end({ timeout: 2 })
    },
  }
}

/** The toolkit tables a service's eventing needs: the outbox's when it publishes, the inbox's always. */
export const eventingMigrations = (publishes: readonly EventContract[]): { component: string; directory: string }[] =>
  publishes.length > 0 ? [outboxMigrations, inboxMigrations] : [inboxMigrations]

const isNats = (transport: Transport): transport is NatsTransport => transport.kind === 'jetstream'

/**
 * Readiness detail for the events machinery: relay leadership, and per consumer its lag and failed reads.
 * Always ready: a producer that is down must not take its consumers out of rotation too.
 */
export function eventsReadiness(eventing: Pick<Eventing, 'status'>): () => Promise<{ ok: boolean; detail: unknown }> {
  return async () => ({ ok: true, detail: eventing.status() })
}
