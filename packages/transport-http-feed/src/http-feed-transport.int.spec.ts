import type { AddressInfo } from 'node:net'
import { createFeedReader } from '@seams/outbox/internal'
import { testTransportConformance } from '@seams/testing'
import Fastify, { type FastifyInstance } from 'fastify'
import { createHttpFeedTransport, registerFeedRoute } from './index.ts'

testTransportConformance({
  name: 'http-feed',
  available: async () => true,
  async setUp({ outbox, source }) {
    const reader = createFeedReader(outbox)
    const serve = async (port: number) => {
      const app = Fastify()
      registerFeedRoute(app, { reader, authorize: () => {} })
      await app.listen({ port, host: '127.0.0.1' })
      return app
    }
    let app: FastifyInstance = await serve(0)
    const port = (app.server.address() as AddressInfo).port
    return {
      relayTransport: {},
      consumerTransport: () =>
        createHttpFeedTransport({ sources: { [source]: `http://127.0.0.1:${port}` }, waitMs: 2000, maxBackoffMs: 500 }),
      async restart() {
        await app.close()
        app = await serve(port)
      },
      async close() {
        await app.close()
        await reader.close()
      },
    }
  },
})
