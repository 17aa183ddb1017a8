import type { EventContract, Transport } from '@seams/core'
import type { TokenSource } from '@seams/http-client'
import { createFeedReader, createOutbox, createRelay, outboxMigrations, type FeedReader, type Outbox, type Relay, type RelayLogger } from '@seams/outbox'
import { createHttpFeedTransport, registerFeedRoute } from '@seams/transport-http-feed'
import type { FastifyInstance } from 'fastify'
import type { Sql } from 'postgres'
import type { Registry } from 'prom-client'

export type TransportKind = 'http-feed' | 'jetstream'

export interface EventingLogger extends RelayLogger {}

export interface EventingOptions {
  /** The service's own database. */
  sql: Sql
  service: string
  /** Event contracts this service publishes; empty for a pure consumer. */
  publishes: readonly EventContract[]
  transport: TransportKind
  /** Base URLs of the producers whose HTTP feeds this service reads, by service name. */
  feeds?: Readonly<Record<string, string>>
  tokens?: TokenSource
  logger?: EventingLogger
  metrics?: Registry
  /**
   * Stamping batch size and wake-up behaviour of the relay.
   * @default {}
   */
  relay?: { batchSize?: number; pollIntervalMs?: number; retentionMs?: number }
}

export interface Eventing {
  readonly outbox: Outbox
  readonly transport: Transport
  /** Toolkit tables this service's database needs, before its own migrations. */
  readonly migrations: readonly { component: string; directory: string }[]
  /** Serves `GET /events`, the service's feed (used by the HTTP-feed transport, and for replays). */
  registerRoutes(app: FastifyInstance): void
  /** Starts the relay (and consumers). */
  start(): void
  /** Stops consumers and the relay, finishing the batch in hand. */
  stop(): Promise<void>
}

/** Everything a producing service needs to share its data by events, from one options object. */
export function createEventing(options: EventingOptions): Eventing {
  const outbox = createOutbox({ sql: options.sql, source: options.service, contracts: options.publishes })
  const transport = createTransport(options)
  const relay: Relay = createRelay({ outbox, transport, logger: options.logger, metrics: options.metrics, ...options.relay })
  let feed: FeedReader | undefined

  return {
    outbox,
    transport,
    migrations: [outboxMigrations],
    registerRoutes(app) {
      feed ??= createFeedReader(outbox)
      registerFeedRoute(app, { reader: feed })
    },
    start() {
      relay.start()
    },
    async stop() {
      await transport.close()
      await relay.stop()
      await feed?.close()
    },
  }
}

function createTransport(options: EventingOptions): Transport {
  switch (options.transport) {
    case 'http-feed':
      return createHttpFeedTransport({ sources: options.feeds ?? {}, tokens: options.tokens, logger: options.logger, metrics: options.metrics })
    case 'jetstream':
      throw new TypeError('EVENT_TRANSPORT=jetstream needs @seams/transport-nats')
  }
}
