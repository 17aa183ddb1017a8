import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort } from '@seams/process-runner'
import {
  eventually,
  natsServerAvailable,
  natsUrl,
  requireInfrastructure,
  startPrivateNatsServer,
  testTransportConformance,
} from '@seams/testing'
import type { DeliveredEvent, Subscription } from '@seams/core'
import { describe, expect, it } from 'vitest'
import { createNatsTransport, streamNaming } from './index.ts'

// The conformance suite runs on a nats-server of its own, so that it can restart it.
testTransportConformance({
  name: 'jetstream',
  async available() {
    if (await natsServerAvailable()) return true
    return requireInfrastructure('nats-server binary (NATS_SERVER_BIN)', 'nats://127.0.0.1:1')
  },
  async setUp() {
    const server = await startPrivateNatsServer(await freePort())
    const relayTransport = createNatsTransport({ servers: server.url, name: 'conformance-relay' })
    const consumers: ReturnType<typeof createNatsTransport>[] = []
    return {
      relayTransport,
      consumerTransport() {
        const transport = createNatsTransport({ servers: server.url, name: 'conformance-consumer' })
        consumers.push(transport)
        return transport
      },
      restart: () => server.restart(),
      async close() {
        await Promise.all(consumers.map((transport) => transport.close()))
        await relayTransport.close()
        await server.stop()
      },
    }
  },
})

describe("jetstream on the machine's NATS server", async () => {
  const present = await requireInfrastructure('NATS', natsUrl())

  it.skipIf(!present)('stores each event once under its id, readable by an independent client', async () => {
    const source = `probe${randomBytes(3).toString('hex')}`
    const transport = createNatsTransport({ servers: natsUrl(), name: 'probe' })
    const record = (position: number) => {
      const eventId = `0190d7a4-0000-7000-8000-${String(position).padStart(12, '0')}`
      return {
        position,
        eventId,
        type: `${source}.Probed`,
        subject: 'p',
        envelope: JSON.stringify({ id: eventId, type: `${source}.Probed`, data: { position } }),
      }
    }
    try {
      await transport.publish!(source, [record(1), record(2)])
      await transport.publish!(source, [record(2), record(3)]) // a relay republishing after a crash
      const independent = await connect({ servers: natsUrl() })
      const jsm = await jetstreamManager(independent)
      const info = await jsm.streams.info(streamNaming().stream(source))
      expect(info.state.messages).toBe(3)
      const second = await jsm.streams.getMessage(streamNaming().stream(source), { seq: 2 })
      expect(JSON.parse(new TextDecoder().decode(second!.data))).toMatchObject({ data: { position: 2 } })
      await jsm.streams.delete(streamNaming().stream(source))
      await independent.close()
    } finally {
      await transport.close()
    }
  })

  it.skipIf(!present)(
    'refuses to publish into a stream another outbox filled, and lets the same outbox carry on',
    async () => {
      const source = `probe${randomBytes(3).toString('hex')}`
      const record = (position: number, incarnation: string) => {
        const eventId = `0190d7a4-${incarnation}-7000-8000-${String(position).padStart(12, '0')}`
        return {
          position,
          eventId,
          type: `${source}.Probed`,
          subject: 'p',
          envelope: JSON.stringify({ id: eventId, type: `${source}.Probed`, data: { position } }),
        }
      }
      const first = createNatsTransport({ servers: natsUrl(), name: 'first-incarnation' })
      // The same producer after a restart, and a producer whose databases were made afresh: both start at position 1.
      const restarted = createNatsTransport({ servers: natsUrl(), name: 'restarted' })
      const afresh = createNatsTransport({ servers: natsUrl(), name: 'afresh' })
      const independent = await connect({ servers: natsUrl() })
      const jsm = await jetstreamManager(independent)
      try {
        await first.publish!(source, [record(1, '0001'), record(2, '0001')])
        await expect(afresh.publish!(source, [record(1, '0002')])).rejects.toMatchObject({
          code: 'SEAMS_NATS_FOREIGN_STREAM',
          message: expect.stringContaining('NATS_NAMESPACE'),
        })
        await restarted.publish!(source, [record(2, '0001'), record(3, '0001')])
        const info = await jsm.streams.info(streamNaming().stream(source))
        expect(info.state.messages).toBe(3)
        // With its first events gone (age, or a purge), the stream is still not a new outbox's to fill.
        await jsm.streams.purge(streamNaming().stream(source), { keep: 1 })
        const later = createNatsTransport({ servers: natsUrl(), name: 'afresh-later' })
        await expect(later.publish!(source, [record(1, '0003')])).rejects.toMatchObject({
          code: 'SEAMS_NATS_FOREIGN_STREAM',
        })
        await later.close()
      } finally {
        await jsm.streams.delete(streamNaming().stream(source)).catch(() => {})
        await independent.close()
        await Promise.all([first.close(), restarted.close(), afresh.close()])
      }
    },
  )

  describe('a consumer whose next events were removed from the stream', () => {
    const record = (source: string, position: number) => {
      const eventId = `0190d7a4-0000-7000-8000-${String(position).padStart(12, '0')}`
      return {
        position,
        eventId,
        type: `${source}.Probed`,
        subject: 'p',
        envelope: JSON.stringify({ id: eventId, type: `${source}.Probed`, data: { position } }),
      }
    }
    const publish = (transport: ReturnType<typeof createNatsTransport>, source: string, from: number, to: number) =>
      transport.publish!(
        source,
        Array.from({ length: to - from + 1 }, (_, index) => record(source, from + index)),
      )

    const until = (condition: () => boolean) =>
      eventually('the consumer getting there', condition, { timeoutMs: 15_000, intervalMs: 25 })

    // A consumer that applies what it is handed, keeping its cursor in memory as a database would.
    function follow(
      transport: ReturnType<typeof createNatsTransport>,
      source: string,
      name: string,
      state: { cursor: number; seen: number[] },
      gate?: () => Promise<void>,
    ): Subscription {
      return transport.subscribe(
        { source, consumer: name, maxBatch: 1, resumeAfter: async () => state.cursor },
        async (events: DeliveredEvent[]) => {
          await gate?.()
          state.seen.push(...events.map((event) => event.position))
          state.cursor = events.at(-1)!.position
        },
      )
    }

    it.skipIf(!present)('refuses to start after them, and says why in its lag', async () => {
      const source = `probe${randomBytes(3).toString('hex')}`
      const transport = createNatsTransport({ servers: natsUrl(), name: 'purged-at-start' })
      const independent = await connect({ servers: natsUrl() })
      const jsm = await jetstreamManager(independent)
      const state = { cursor: 0, seen: [] as number[] }
      try {
        await publish(transport, source, 1, 3)
        const first = follow(transport, source, 'behind', state)
        await until(() => state.cursor === 3)
        await first.stop()
        await publish(transport, source, 4, 6)
        await jsm.streams.purge(streamNaming().stream(source), { keep: 1 }) // 4 and 5 are gone, unseen
        const again = follow(transport, source, 'behind', state)
        await until(() => again.lag().refused !== undefined)
        await sleep(300)
        expect(again.lag()).toMatchObject({
          failures: expect.any(Number),
          refused: {
            code: 'SEAMS_NATS_STREAM_PURGED',
            message: expect.stringContaining('no longer holds sequences 4 to 5'),
          },
        })
        expect(state.seen).toEqual([1, 2, 3]) // 6 was not applied as if 4 and 5 never existed
        await again.stop()
        // A new consumer (nothing applied yet) would lack the first events just the same.
        const fresh = follow(transport, source, 'fresh', { cursor: 0, seen: [] })
        await until(() => fresh.lag().refused !== undefined)
        expect(fresh.lag().refused?.message).toContain('no longer holds sequences 1 to 5')
        await fresh.stop()
      } finally {
        await jsm.streams.delete(streamNaming().stream(source)).catch(() => {})
        await independent.close()
        await transport.close()
      }
    })

    it.skipIf(!present)('refuses to go on when they are removed while it runs', async () => {
      const source = `probe${randomBytes(3).toString('hex')}`
      const transport = createNatsTransport({ servers: natsUrl(), name: 'purged-while-running' })
      const independent = await connect({ servers: natsUrl() })
      const jsm = await jetstreamManager(independent)
      const state = { cursor: 0, seen: [] as number[] }
      let release = () => {}
      let held = false
      const gate = () =>
        state.cursor === 1 && !held
          ? ((held = true), new Promise<void>((resolve) => (release = resolve)))
          : Promise.resolve()
      try {
        await publish(transport, source, 1, 1)
        const subscription = follow(transport, source, 'busy', state, gate)
        await until(() => state.cursor === 1)
        await publish(transport, source, 2, 6)
        await until(() => held) // busy with 2 while 3 to 5 are purged behind its back
        await jsm.streams.purge(streamNaming().stream(source), { keep: 1 })
        release()
        await until(() => subscription.lag().refused !== undefined)
        expect(subscription.lag().refused).toMatchObject({
          code: 'SEAMS_NATS_STREAM_PURGED',
          message: expect.stringContaining('no longer holds sequences 3 to 5'),
        })
        expect(state.seen).toEqual([1, 2])
        await subscription.stop()
      } finally {
        release()
        await jsm.streams.delete(streamNaming().stream(source)).catch(() => {})
        await independent.close()
        await transport.close()
      }
    })
  })
})
