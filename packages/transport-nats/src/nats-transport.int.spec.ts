import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { freePort } from '@seams/process-runner'
import { natsServerAvailable, natsUrl, requireInfrastructure, startPrivateNatsServer, testTransportConformance } from '@seams/testing'
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

describe('jetstream on the machine\'s NATS server', async () => {
  const present = await requireInfrastructure('NATS', natsUrl())

  it.skipIf(!present)('stores each event once under its id, readable by an independent client', async () => {
    const source = `probe${randomBytes(3).toString('hex')}`
    const transport = createNatsTransport({ servers: natsUrl(), name: 'probe' })
    const record = (position: number) => {
      const eventId = `0190d7a4-0000-7000-8000-${String(position).padStart(12, '0')}`
      return { position, eventId, type: `${source}.Probed`, subject: 'p', envelope: JSON.stringify({ id: eventId, type: `${source}.Probed`, data: { position } }) }
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

  it.skipIf(!present)('refuses to publish into a stream another outbox filled, and lets the same outbox carry on', async () => {
    const source = `probe${randomBytes(3).toString('hex')}`
    const record = (position: number, incarnation: string) => {
      const eventId = `0190d7a4-${incarnation}-7000-8000-${String(position).padStart(12, '0')}`
      return { position, eventId, type: `${source}.Probed`, subject: 'p', envelope: JSON.stringify({ id: eventId, type: `${source}.Probed`, data: { position } }) }
    }
    const first = createNatsTransport({ servers: natsUrl(), name: 'first-incarnation' })
    // The same producer after a restart, and a producer whose databases were made afresh: both start at position 1.
    const restarted = createNatsTransport({ servers: natsUrl(), name: 'restarted' })
    const afresh = createNatsTransport({ servers: natsUrl(), name: 'afresh' })
    const independent = await connect({ servers: natsUrl() })
    const jsm = await jetstreamManager(independent)
    try {
      await first.publish!(source, [record(1, '0001'), record(2, '0001')])
      await expect(afresh.publish!(source, [record(1, '0002')])).rejects.toMatchObject({ code: 'SEAMS_NATS_FOREIGN_STREAM', message: expect.stringContaining('NATS_NAMESPACE') })
      await restarted.publish!(source, [record(2, '0001'), record(3, '0001')])
      const info = await jsm.streams.info(streamNaming().stream(source))
      expect(info.state.messages).toBe(3)
      // With its first events gone (age, or a purge), the stream is still not a new outbox's to fill.
      await jsm.streams.purge(streamNaming().stream(source), { keep: 1 })
      const later = createNatsTransport({ servers: natsUrl(), name: 'afresh-later' })
      await expect(later.publish!(source, [record(1, '0003')])).rejects.toMatchObject({ code: 'SEAMS_NATS_FOREIGN_STREAM' })
      await later.close()
    } finally {
      await jsm.streams.delete(streamNaming().stream(source)).catch(() => {})
      await independent.close()
      await Promise.all([first.close(), restarted.close(), afresh.close()])
    }
  })
})
