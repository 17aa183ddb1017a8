import { setTimeout as sleep } from 'node:timers/promises'
import {
  backoffDelay,
  type BatchHandler,
  type ConsumerLag,
  type DeliveredEvent,
  type Logger,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from '@seams/core'
import { createHttpClient, UpstreamRejected, type HttpClient, type TokenSource } from '@seams/http-client'
import { FeedPurged } from '@seams/outbox'
import type { Registry } from 'prom-client'

export interface HttpFeedTransportOptions {
  /** Base URL of each producer whose feed this process may read, by service name. */
  sources: Readonly<Record<string, string>>
  tokens?: TokenSource
  logger?: Logger
  metrics?: Registry
  /**
   * How long one request waits on the producer for new events.
   * @default 20000
   */
  waitMs?: number
  /**
   * Longest pause after a failure (the producer is down, or the handler failed).
   * @default 5000
   */
  maxBackoffMs?: number
  /**
   * Pause after a page that was not full before asking for the next. Without it a busy producer answers
   * every poll at once with the one or two events (or, for a consumer of a few types, none) stamped since,
   * and each consumer polls as often as the producer commits; with it, events arrive in batches and polls
   * stay few, for a few milliseconds of lag (see the relay's `lingerMs`: longer lingers gained no
   * throughput, a saturated feed answers full pages anyway, and added their length to the lag).
   * @default 5
   */
  lingerMs?: number
}

interface FeedResponse {
  head: { position: number; time: string | null }
  next: number
  events: DeliveredEvent[]
}

/**
 * Reads producers' HTTP feeds by long-polling. The cursor lives in the consumer's database (the
 * handler commits it with the batch's effects), so a restart resumes from `resumeAfter()` and an
 * unacknowledged batch is simply read again.
 */
export function createHttpFeedTransport(options: HttpFeedTransportOptions): Transport {
  const clients = new Map<string, HttpClient>()
  const subscriptions = new Set<Subscription>()
  const waitMs = options.waitMs ?? 20_000

  function clientFor(source: string): HttpClient {
    const baseUrl = options.sources[source]
    if (baseUrl === undefined) throw new TypeError(`no feed URL configured for source ${source}`)
    let client = clients.get(source)
    if (client === undefined) {
      // Retries belong to the subscription loop, which knows how long it has been failing.
      client = createHttpClient({
        name: source,
        baseUrl,
        tokens: options.tokens,
        metrics: options.metrics,
        maxAttempts: 1,
        timeoutMs: waitMs + 5000,
      })
      clients.set(source, client)
    }
    return client
  }

  return {
    kind: 'http-feed',
    subscribe(subscribeOptions: SubscribeOptions, handler: BatchHandler): Subscription {
      const subscription = follow(clientFor(subscribeOptions.source), subscribeOptions, handler, waitMs, options)
      subscriptions.add(subscription)
      return subscription
    },
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()))
      await Promise.all([...clients.values()].map((client) => client.close()))
    },
  }
}

// The producer's feed no longer holds the events after the cursor (FeedPurged): asking again will not help.
function refusalOf(error: unknown): { code: string; message: string } | undefined {
  const problem =
    error instanceof UpstreamRejected
      ? (error.details?.['upstreamProblem'] as { code?: unknown; detail?: unknown } | undefined)
      : undefined
  if (problem?.code !== FeedPurged.code) return undefined
  return {
    code: FeedPurged.code,
    message:
      `the producer's feed no longer holds the events this consumer needs: ${String(problem.detail)}; ` +
      'it refuses to go on without them',
  }
}

function follow(
  client: HttpClient,
  subscribe: SubscribeOptions,
  handler: BatchHandler,
  waitMs: number,
  options: HttpFeedTransportOptions,
): Subscription {
  const aborter = new AbortController()
  const limit = subscribe.maxBatch ?? 256
  const types = subscribe.types === undefined || subscribe.types.length === 0 ? undefined : subscribe.types.join(',')
  let lag: ConsumerLag = { events: 0, seconds: 0, failures: 0 }
  let failures = 0

  async function backoff(error: unknown, message: string): Promise<void> {
    failures += 1
    const refused = refusalOf(error)
    if (refused !== undefined && lag.refused === undefined)
      options.logger?.error({ err: error, consumer: subscribe.consumer, source: subscribe.source }, refused.message)
    lag = { events: lag.events, seconds: lag.seconds, failures, ...(refused === undefined ? {} : { refused }) }
    // A producer that is starting or restarting is normal for a few seconds; one that stays away is not.
    if (failures === 5)
      options.logger?.warn({ err: error, consumer: subscribe.consumer, source: subscribe.source, failures }, message)
    else if (failures % 30 === 0)
      options.logger?.error({ err: error, consumer: subscribe.consumer, source: subscribe.source, failures }, message)
    await sleep(backoffDelay(failures, { maxMs: options.maxBackoffMs }), undefined, {
      signal: aborter.signal,
    }).catch(() => {})
  }

  async function head(): Promise<number> {
    const response = await client.call<FeedResponse>({
      method: 'GET',
      path: '/events',
      query: { after: 0, limit: 1, wait: 0 },
      signal: aborter.signal,
    })
    return response.body.head.position
  }

  async function run(): Promise<void> {
    let after: number | undefined
    while (!aborter.signal.aborted) {
      try {
        after ??= subscribe.startAt === 'now' ? await head() : await subscribe.resumeAfter()
      } catch (error) {
        await backoff(error, 'could not read the consumer cursor')
        continue
      }
      let page: FeedResponse
      try {
        // After failures the first read does not wait: a long poll at the head would keep the consumer reporting
        // failed reads for as long as it waits, though its producer answers again.
        const response = await client.call<FeedResponse>({
          method: 'GET',
          path: '/events',
          query: { after, limit, types, wait: failures > 0 ? 0 : waitMs },
          signal: aborter.signal,
        })
        page = response.body
        if (!Array.isArray(page?.events)) throw new Error('the feed answered something that is not a feed page')
      } catch (error) {
        if (aborter.signal.aborted) return
        await backoff(error, 'could not read the feed')
        continue
      }
      if (page.events.length > 0) {
        try {
          await handler(page.events)
        } catch (error) {
          after = undefined // re-read the committed cursor: the batch may have been partly applied before a crash
          await backoff(error, 'batch handler failed; the batch will be delivered again')
          continue
        }
      }
      failures = 0
      after = Math.max(page.next, page.events.at(-1)?.position ?? 0)
      if (page.events.length < limit)
        await sleep(options.lingerMs ?? 5, undefined, { signal: aborter.signal }).catch(() => {})
      const behind = Math.max(0, page.head.position - after)
      const lastTime = page.events.at(-1)?.time
      lag = {
        events: behind,
        seconds: behind > 0 && lastTime !== undefined ? Math.max(0, (Date.now() - Date.parse(lastTime)) / 1000) : 0,
        failures: 0,
      }
    }
  }

  const running = run()
  return {
    consumer: subscribe.consumer,
    source: subscribe.source,
    lag: () => lag,
    async stop() {
      aborter.abort()
      await running
    },
  }
}
