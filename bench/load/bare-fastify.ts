import Fastify from 'fastify'

// The HTTP ceiling: a Fastify route answering a small JSON document from memory, on this machine, under the
// same load generator and the same number of keep-alive connections as the shop's gateway.
const app = Fastify({ logger: false })
const document = {
  items: [{ id: '01900000-0000-7000-8000-000000000001', name: 'Oak Desk Lamp', priceCents: 2723 }],
  nextCursor: null,
}
// Counted on the server, so that the benchmark can check its own count of connections against it.
let accepted = 0
app.server.on('connection', () => {
  accepted += 1
})
app.get('/ceiling', async () => document)
app.get('/health/ready', async () => ({ status: 'ready' }))
app.get('/connections', async () => ({ accepted }))
await app.listen({ port: Number(process.env['PORT']), host: '127.0.0.1' })
process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
