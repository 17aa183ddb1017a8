import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream'
import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node'
import type { BatchHandler, Logger, StampedRecord, SubscribeOptions, Subscription, Transport } from '@seams/core'
import { ensureStream, ensureStreamContinuesOutbox, isNotFound, type StreamSettings } from './streams.ts'
import { followDurable } from './follow-durable.ts'
import { streamNaming, type StreamNaming } from './names.ts'
import { inboxPrefixOf } from './permissions.ts'

/** How this transport logs in to NATS; without any, it connects anonymously. */
export interface NatsCredentials {
  /** A user of the server's `authorization` block, with `password`. */
  user?: string
  password?: string
  /** Path of a `.creds` file (user JWT and nkey seed), for servers run with accounts; read again at each reconnect. */
  credsFile?: string
}

export interface NatsTransportOptions {
  servers: string | string[]
  /** Connection name shown by the server, e.g. the service name. */
  name?: string
  /**
   * Login; the credentials are held in memory only, never logged.
   * @default {} (anonymous)
   */
  credentials?: NatsCredentials
  /**
   * Prefix of the reply subjects this connection subscribes to; a user's permissions allow its own prefix only.
   * @default `_INBOX_<user>` when `credentials.user` is set (see `inboxPrefixOf`), else `_INBOX`
   */
  inboxPrefix?: string
  logger?: Logger
  /**
   * Keeps this deployment's streams and subjects apart from others on the same NATS server.
   * @default '' (streams `ORDERS`, subjects `orders.OrderPlaced`)
   */
  namespace?: string
  /**
   * Deliveries of one message before the server gives up on it; the consumer then records it as a
   * dead letter. Handler failures never get here: the inbox retries and dead-letters those itself.
   * @default 20
   */
  maxDeliver?: number
  /**
   * How long a delivered message may stay unacknowledged before the server delivers it again; the
   * batch in hand is kept alive meanwhile, so this only governs messages of a consumer that died.
   * (No server-side backoff list: JetStream uses it in place of this wait, which would redeliver
   * messages still waiting in the client's buffer.)
   * @default 30000
   */
  ackWaitMs?: number
  /**
   * Window in which the server drops a republished event with the same id.
   * @default 120000
   */
  duplicateWindowMs?: number
  /**
   * Copies of each stream kept by a NATS cluster (3 in production).
   * @default 1
   */
  replicas?: number
  /**
   * How long streams keep events, for replays; matches the outbox retention by default.
   * @default 604800000 (7 days)
   */
  maxAgeMs?: number
}

export interface NatsTransport extends Transport {
  /** The shared connection, for tools that inspect streams. */
  connection(): Promise<NatsConnection>
  readonly naming: StreamNaming
  /**
   * Creates a producer's stream now rather than at its first publish, so that consumers (which may not be
   * allowed to create it) need not wait for the producer's first event.
   */
  ensureStream(source: string): Promise<void>
}

/**
 * JetStream: one stream per producer; the relay publishes each event with its id as message id so
 * the server drops republished duplicates, and awaits every acknowledgement before the stamp commits.
 * Consumers are durable pull consumers, acknowledged only after the consumer's transaction commits.
 */
export function createNatsTransport(options: NatsTransportOptions): NatsTransport {
  let connecting: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> | undefined
  const ensured = new Map<string, Promise<void>>()
  // Sources whose stream was checked to continue this process's outbox (once, at the first publish).
  const continuing = new Set<string>()
  const subscriptions = new Set<Subscription>()
  const naming = streamNaming(options.namespace)
  const settings: StreamSettings = {
    naming,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    replicas: options.replicas ?? 1,
    maxAgeMs: options.maxAgeMs ?? 7 * 24 * 3600 * 1000,
  }

  function client() {
    connecting ??= (async () => {
      const nc = await connect({
        servers: options.servers,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        ...loginOf(options),
      })
      return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) }
    })().catch((error: unknown) => {
      connecting = undefined
      throw error
    })
    return connecting
  }

  function stream(jsm: JetStreamManager, source: string): Promise<void> {
    let ready = ensured.get(source)
    if (ready === undefined) {
      ready = ensureStream(jsm, source, settings).catch((error: unknown) => {
        ensured.delete(source)
        throw error
      })
      ensured.set(source, ready)
    }
    return ready
  }

  // A consumer leaves its source's stream to the producer, which may be the only one allowed to create it,
  // and waits for it. Refused information about the stream is not waited on: the user may not consume it
  // at all, which must show.
  async function awaitStream(jsm: JetStreamManager, source: string, stopped: () => boolean): Promise<void> {
    const since = Date.now()
    let told = false
    while (!(await streamExists(jsm, naming.stream(source)))) {
      if (stopped()) throw new Error('subscription stopped while waiting for its stream')
      if (!told && Date.now() - since > 60_000) {
        told = true
        options.logger?.warn(
          { stream: naming.stream(source) },
          'stream does not exist yet: waiting for its producer to create it',
        )
      }
      await sleep(250)
    }
  }

  return {
    kind: 'jetstream',
    naming,
    async connection() {
      return (await client()).nc
    },
    async ensureStream(source: string) {
      await stream((await client()).jsm, source)
    },
    async publish(source: string, records: readonly StampedRecord[]) {
      const { js, jsm } = await client()
      await stream(jsm, source)
      if (!continuing.has(source) && records.length > 0) {
        await ensureStreamContinuesOutbox(jsm, naming.stream(source), records[0]!)
        continuing.add(source)
      }
      // Issued back to back on one connection, so the stream stores them in position order.
      await Promise.all(
        records.map((record) =>
          js.publish(naming.subject(record.type), record.envelope, { msgID: record.eventId, timeout: 5000 }),
        ),
      )
    },
    subscribe(subscribe: SubscribeOptions, handler: BatchHandler): Subscription {
      let stopped = false
      const following = followDurable({
        subscribe,
        handler,
        connect: async () => {
          const { nc, js, jsm } = await client()
          await awaitStream(jsm, subscribe.source, () => stopped)
          return { nc, js, jsm }
        },
        logger: options.logger,
        maxDeliver: options.maxDeliver ?? 20,
        naming,
        ackWaitMs: options.ackWaitMs ?? 30_000,
      })
      const subscription: Subscription = {
        consumer: following.consumer,
        source: following.source,
        lag: () => following.lag(),
        async stop() {
          stopped = true
          await following.stop()
        },
      }
      subscriptions.add(subscription)
      return subscription
    },
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()))
      if (connecting !== undefined) {
        const { nc } = await connecting.catch(() => ({ nc: undefined }))
        await nc?.drain().catch(() => {})
      }
    },
  }
}

function loginOf(options: NatsTransportOptions): Partial<ConnectionOptions> {
  const { user, password, credsFile } = options.credentials ?? {}
  const inboxPrefix = options.inboxPrefix ?? (user === undefined ? undefined : inboxPrefixOf(user))
  return {
    ...(inboxPrefix === undefined ? {} : { inboxPrefix }),
    ...(user === undefined ? {} : { user, pass: password }),
    ...(credsFile === undefined ? {} : { authenticator: credsAuthenticator(() => readFileSync(credsFile)) }),
  }
}

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name)
    return true
  } catch (error) {
    if (isNotFound(error)) return false
    throw error
  }
}
