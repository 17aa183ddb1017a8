import { randomBytes, randomUUID } from 'node:crypto'
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { freePort } from '@seams/process-runner'
import {
  eventually,
  natsServerAvailable,
  requireInfrastructure,
  startPrivateNatsServer,
  type PrivateNatsServer,
} from '@seams/testing'
import {
  createNatsTransport,
  inboxPrefixOf,
  isPermissionViolation,
  streamNaming,
  type NatsTransport,
} from '@seams/transport-nats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declaredSources, eventProducers, natsUsersOf } from './nats-users.ts'
import { generateSecrets } from './secrets.ts'
import { serviceNames, type ServiceName } from './topology.ts'

// The configuration `npm start` generates, on a nats-server of the test's own: each service's user may
// publish its own events and consume the sources its package.json declares, and nothing else.
describe("each service's own NATS user", async () => {
  const present =
    (await natsServerAvailable()) ||
    (await requireInfrastructure('nats-server binary (NATS_SERVER_BIN)', 'nats://127.0.0.1:1'))
  const namespace = `perm${randomBytes(3).toString('hex')}`
  const naming = streamNaming(namespace)
  const passwords = generateSecrets().natsPasswords!
  const inspectorPassword = randomBytes(18).toString('base64url')
  let server: PrivateNatsServer
  let inspector: NatsConnection
  let jsm: JetStreamManager
  const transports: NatsTransport[] = []

  const transportOf = (service: ServiceName, password = passwords[service]!) => {
    const transport = createNatsTransport({
      servers: server.url,
      namespace,
      name: service,
      credentials: { user: service, password },
    })
    transports.push(transport)
    return transport
  }
  const record = (type: string, position: number) => {
    const eventId = randomUUID()
    return {
      position,
      eventId,
      type,
      subject: 'p',
      envelope: JSON.stringify({ id: eventId, type, source: type.split('.')[0], data: { position } }),
    }
  }
  const messagesIn = async (source: string) => (await jsm.streams.info(naming.stream(source))).state.messages

  /** Collects what a subscription delivers. */
  const follow = (transport: NatsTransport, source: string, consumer: string) => {
    const delivered: { type: string; position: number }[] = []
    const subscription = transport.subscribe(
      { source, consumer, resumeAfter: async () => delivered.at(-1)?.position ?? 0 },
      async (events) => {
        delivered.push(...events)
      },
    )
    return { delivered, subscription }
  }

  beforeAll(async () => {
    if (!present) return
    const users = [...natsUsersOf(namespace, passwords), { user: 'inspector', password: inspectorPassword }]
    server = await startPrivateNatsServer(await freePort(), { users })
    inspector = await connect({ servers: server.url, user: 'inspector', pass: inspectorPassword })
    jsm = await jetstreamManager(inspector)
  })

  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()))
    await inspector?.close()
    await server?.stop()
  })

  it.skipIf(!present)(
    'a consumer waits for a stream it may not create, and follows it once its producer made it',
    async () => {
      const catalog = follow(transportOf('catalog'), 'orders', 'catalog.order-cancellation')
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await expect(jsm.streams.info(naming.stream('orders'))).rejects.toThrow(/not found/)
      const orders = transportOf('orders')
      await orders.ensureStream('orders')
      await orders.publish!('orders', [record('orders.OrderCancelled', 1), record('orders.OrderPlaced', 2)])
      await eventually('catalog receiving both', () => catalog.delivered.length === 2)
      expect(catalog.delivered.map((event) => event.type)).toEqual(['orders.OrderCancelled', 'orders.OrderPlaced'])
      await catalog.subscription.stop()
    },
  )

  it.skipIf(!present)(
    'catalog publishes its own events, and may not publish an orders event: nothing lands in the ORDERS stream',
    async () => {
      const catalog = transportOf('catalog')
      await catalog.publish!('catalog', [record('catalog.ProductAdded', 1)])
      expect(await messagesIn('catalog')).toBe(1)
      const before = await messagesIn('orders')

      const refused = await catalog.publish!('orders', [record('orders.OrderPlaced', before + 1)]).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(isPermissionViolation(refused), String(refused)).toBe(true)
      // Not through the transport either: a plain publish on catalog's own connection is dropped by the server.
      const connection = await catalog.connection()
      connection.publish(naming.subject('orders.OrderPlaced'), 'forged')
      await connection.flush()
      expect(await messagesIn('orders')).toBe(before)
      expect(connection.isClosed()).toBe(false)
    },
  )

  it.skipIf(!present)(
    "catalog may not consume a stream it did not declare, nor read another user's deliveries",
    async () => {
      await transportOf('users').publish!('users', [record('users.UserRegistered', 1)])
      const catalog = transportOf('catalog')
      const sneaking = follow(catalog, 'users', 'catalog.customers')
      const connection = await catalog.connection()
      const catalogJsm = await jetstreamManager(connection)
      await expect(
        catalogJsm.consumers.add(naming.stream('users'), { durable_name: 'catalog_customers' }),
      ).rejects.toSatisfy(isPermissionViolation)
      await expect(catalogJsm.streams.getMessage(naming.stream('users'), { seq: 1 })).rejects.toSatisfy(
        isPermissionViolation,
      )
      await expect(catalogJsm.streams.delete(naming.stream('orders'))).rejects.toSatisfy(isPermissionViolation)
      // Pull consumers deliver to the requester's inbox: orders' inbox is not catalog's to listen on.
      const eavesdrop = connection.subscribe(`${inboxPrefixOf('orders')}.>`)
      await expect(eavesdrop.closed).resolves.toSatisfy(isPermissionViolation)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(sneaking.delivered).toEqual([])
      expect(await consumersOf(naming.stream('users'))).toEqual([])
      await sneaking.subscription.stop()
    },
  )

  it.skipIf(!present)('a consumer that declared the source follows it under its permissions', async () => {
    // payments declares orders.OrderCancelled; its durable gets the stream from the start.
    const payments = follow(transportOf('payments'), 'orders', 'payments.order-cancellation')
    await eventually('payments receiving two', () => payments.delivered.length === 2)
    await transportOf('orders').publish!('orders', [record('orders.OrderConfirmed', 3)])
    await eventually('payments receiving the third', () => payments.delivered.length === 3)
    expect(await consumersOf(naming.stream('orders'))).toContain('payments_order-cancellation')
    await payments.subscription.stop()
  })

  it.skipIf(!present)('refuses a wrong password without showing it', async () => {
    const wrong = `not-${passwords['orders']}`
    const error = await connect({ servers: server.url, user: 'orders', pass: wrong, reconnect: false }).then(
      async (nc) => nc.close(),
      (error: unknown) => error as Error,
    )
    expect(String(error)).toMatch(/Authorization Violation/i)
    expect(JSON.stringify({ message: String(error), cause: String((error as Error).cause) })).not.toContain(wrong)
  })

  it.skipIf(!present)('has a user for every service and no other', () => {
    expect(natsUsersOf(namespace, passwords).map((user) => user.user)).toEqual([...serviceNames])
  })

  it('grants each service the sources its package.json declares, all of them producers', () => {
    expect(Object.fromEntries(serviceNames.map((service) => [service, declaredSources(service)]))).toEqual({
      users: [],
      catalog: ['orders'],
      payments: ['orders'],
      orders: ['catalog', 'users'],
      'order-history': ['catalog', 'orders', 'payments', 'users'],
      gateway: ['catalog', 'users'],
    })
    for (const service of serviceNames)
      for (const source of declaredSources(service)) expect(eventProducers).toContain(source)
  })

  async function consumersOf(stream: string): Promise<string[]> {
    const names: string[] = []
    for await (const info of jsm.consumers.list(stream)) names.push(info.name)
    return names
  }
})
