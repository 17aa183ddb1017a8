import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FeedPage, FeedReadOptions, FeedReader } from '@seams/outbox/internal'
import { eventually } from '@seams/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { registerFeedRoute } from './feed-route.ts'

// The route's own duty is releasing long polls; a reader that records the signal it was given shows it.
// (The route against the real feed reader and relay is covered by the transport conformance suite.)
const emptyPage: FeedPage = { eventsJson: '', count: 0, next: 0, head: { position: 0, time: null }, oldest: 0 }

function recordingReader(answer: 'at-once' | 'when-released') {
  const signals: AbortSignal[] = []
  const reader: FeedReader = {
    read(options: FeedReadOptions) {
      signals.push(options.signal!)
      if (answer === 'at-once') return Promise.resolve(emptyPage)
      return new Promise((resolve) => options.signal!.addEventListener('abort', () => resolve(emptyPage)))
    },
    close: async () => {},
  }
  return { reader, signals }
}

const until = (condition: () => boolean) =>
  eventually('the feed route reaching the reader', condition, { intervalMs: 10 })

describe('the feed route', () => {
  let app: FastifyInstance | undefined

  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function serve(reader: FeedReader): Promise<string> {
    app = Fastify()
    registerFeedRoute(app, { reader, authorize: () => {} })
    await app.listen({ port: 0, host: '127.0.0.1' })
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/events?after=0&limit=10&wait=60000`
  }

  it('releases a waiting reader when its client goes away', async () => {
    const { reader, signals } = recordingReader('when-released')
    const url = await serve(reader)
    const client = new AbortController()
    const request = fetch(url, { signal: client.signal }).catch(() => undefined)
    await until(() => signals.length === 1)
    client.abort()
    await request
    await until(() => signals[0]!.aborted)
  })

  it('leaves the signal of an answered read alone', async () => {
    const { reader, signals } = recordingReader('at-once')
    const url = await serve(reader)
    const response = await fetch(url)
    expect(await response.json()).toMatchObject({ events: [], next: 0 })
    await sleep(50)
    expect(signals[0]!.aborted).toBe(false)
  })

  it('releases waiting readers when the server closes, so a stop does not wait out long polls', async () => {
    const { reader, signals } = recordingReader('when-released')
    const url = await serve(reader)
    const answer = fetch(url).then((response) => response.status)
    await until(() => signals.length === 1)
    await app!.close()
    app = undefined
    expect(signals[0]!.aborted).toBe(true)
    expect(await answer).toBe(200)
  })
})
