import { randomBytes } from 'node:crypto'
import { adminDatabaseUrl, eventually } from '@seams/testing'
import { startTestShop, type TestShop } from '@shop/launcher'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from './support/gateway-client.ts'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts'

const INTERNAL = 1
const SERVER = 2
const PRODUCER = 4
const CONSUMER = 5

// Every process of the shop exports its spans over OTLP/HTTP to a receiver held here, as to a collector.
describe('one checkout is one trace', () => {
  let receiver: OtlpReceiver
  let test: TestShop
  let api: ReturnType<typeof gatewayClient>
  // The order the first test places, confirmed; the second cancels it.
  let confirmedOrder: { orderId: string; customerToken: string } | undefined

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    test = await startTestShop(adminDatabaseUrl(), {
      telemetry: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    })
    api = gatewayClient(test.shop.urls.gateway)
  })

  afterAll(async () => {
    await test?.close()
    await receiver?.close()
  })

  it('follows an order from the gateway through the saga, its calls and its events to the read models', async () => {
    const adminToken = await api.login(test.shop.wiring.admin.email, test.secrets.adminPassword)
    const created = await api.request('POST', '/api/products', {
      token: adminToken,
      body: {
        sku: `TRACE-${randomBytes(4).toString('hex')}`,
        name: 'Traced lamp',
        priceCents: 2500,
        currency: 'EUR',
        stockOnHand: 3,
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const customer = await api.register(
      `trace-${randomBytes(4).toString('hex')}@example.com`,
      'Tracy',
      'correct-horse-battery',
    )

    // The client starts the trace, as a browser with its own instrumentation would.
    const traceId = randomBytes(16).toString('hex')
    const clientSpanId = randomBytes(8).toString('hex')
    const placed = await api.request('POST', '/api/orders', {
      token: customer.token,
      body: { items: [{ productId: created.body.id, quantity: 1 }] },
      headers: {
        'idempotency-key': `trace-${randomBytes(6).toString('hex')}`,
        traceparent: `00-${traceId}-${clientSpanId}-01`,
      },
    })
    expect(placed.status).toBe(202)
    const orderId = placed.body.orderId as string
    await eventually('order history shows the order confirmed and paid', async () => {
      const entry = await api.request('GET', `/api/order-history/${orderId}`, { token: customer.token })
      return entry.status === 200 && entry.body.status === 'CONFIRMED' && entry.body.paymentStatus === 'authorized'
    })
    confirmedOrder = { orderId, customerToken: customer.token }

    const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId)
    const has = (service: string, kind: number, name: string | RegExp) => (span: ReceivedSpan) =>
      span.service === service &&
      span.kind === kind &&
      (typeof name === 'string' ? span.name === name : name.test(span.name))
    const expected = {
      'the gateway answering the client': has('gateway', SERVER, 'POST /api/orders'),
      'orders accepting the order': has('orders', SERVER, 'POST /orders'),
      'catalog reserving the stock, called by the saga': has('catalog', SERVER, 'POST /reservations'),
      'payments authorizing, called by the saga': has('payments', SERVER, /^POST \/payments/),
      'the saga confirming the order': has('orders', INTERNAL, 'checkout confirm-order'),
      'OrderConfirmed written by the saga': has('orders', PRODUCER, 'create orders.OrderConfirmed'),
      'order-history applying OrderPlaced': has('order-history', CONSUMER, 'apply orders.OrderPlaced'),
      'order-history applying OrderConfirmed': has('order-history', CONSUMER, 'apply orders.OrderConfirmed'),
      'order-history applying PaymentAuthorized': has('order-history', CONSUMER, 'apply payments.PaymentAuthorized'),
    }
    const missing = () =>
      Object.entries(expected)
        .filter(([, matches]) => !inTrace().some(matches))
        .map(([what]) => what)
    await eventually('every span of the checkout has been exported', async () => missing().length === 0, {
      timeoutMs: 15_000,
    }).catch(() => expect(missing(), `spans of trace ${traceId}`).toEqual([]))

    const spans = inTrace()
    // The gateway continued the client's span; every other span of the trace hangs off one that was exported.
    const gateway = spans.find(expected['the gateway answering the client'])!
    expect(gateway.parentSpanId).toBe(clientSpanId)
    const ids = new Set(spans.map((span) => span.spanId).concat(clientSpanId))
    expect(spans.filter((span) => !ids.has(span.parentSpanId)).map((span) => `${span.service} ${span.name}`)).toEqual(
      [],
    )
    // (users too, when the gateway asks it about a token it has not seen before)
    expect([...new Set(spans.map((span) => span.service))]).toEqual(
      expect.arrayContaining(['gateway', 'orders', 'catalog', 'payments', 'order-history']),
    )
    // Database work shows inside the trace, with what ran.
    expect(spans.some((span) => span.service === 'orders' && span.attributes['db.system.name'] === 'postgresql')).toBe(
      true,
    )

    // Every event about this order or its payment, wherever it was written or applied, is in this trace.
    const payment = spans.find(expected['order-history applying PaymentAuthorized'])!.attributes[
      'cloudevents.event_subject'
    ]
    const aboutTheOrder = receiver.spans.filter(
      (span) =>
        (span.kind === PRODUCER || span.kind === CONSUMER) &&
        [orderId, payment].includes(span.attributes['cloudevents.event_subject'] as string),
    )
    expect(aboutTheOrder.filter((span) => span.traceId !== traceId)).toEqual([])

    // Batches are traces of their own, linked to the events they carried: the relay's publish links to the
    // creation of OrderConfirmed, order-history's batch to it as well, and its apply span back into the batch.
    const confirmed = spans.find(expected['OrderConfirmed written by the saga'])!
    const linksToConfirmed = receiver.spans.filter((span) =>
      span.links.some((link) => link.traceId === traceId && link.spanId === confirmed.spanId),
    )
    expect(linksToConfirmed.some((span) => span.service === 'orders' && span.name === 'publish orders')).toBe(true)
    const batch = linksToConfirmed.find((span) => span.service === 'order-history' && span.name === 'process orders')
    expect(batch?.kind).toBe(CONSUMER)
    const applied = spans.find(expected['order-history applying OrderConfirmed'])!
    expect(applied.parentSpanId).toBe(confirmed.spanId)
    expect(applied.links.map((link) => link.traceId)).toEqual([batch!.traceId])
  })

  it('follows a cancellation through its saga, the calls that give money and stock back, and its event', async () => {
    expect(confirmedOrder, 'the checkout test confirmed an order').toBeDefined()
    const { orderId, customerToken } = confirmedOrder!
    const traceId = randomBytes(16).toString('hex')
    const cancelled = await api.request('POST', `/api/orders/${orderId}/cancel`, {
      token: customerToken,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    })
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202)
    await eventually('order history shows the order cancelled', async () => {
      const entry = await api.request('GET', `/api/order-history/${orderId}`, { token: customerToken })
      return entry.status === 200 && entry.body.status === 'CANCELLED'
    })

    const has = (service: string, kind: number, name: string | RegExp) => (span: ReceivedSpan) =>
      span.traceId === traceId &&
      span.service === service &&
      span.kind === kind &&
      (typeof name === 'string' ? span.name === name : name.test(span.name))
    const expected = {
      'orders accepting the cancellation': has('orders', SERVER, 'POST /orders/:id/cancel'),
      'the saga settling the payment': has('orders', INTERNAL, 'cancellation settle-payment'),
      'payments voiding the authorization': has('payments', SERVER, 'POST /payments/:id/void'),
      'the saga releasing the stock': has('orders', INTERNAL, 'cancellation release-stock'),
      'catalog releasing the reservation': has('catalog', SERVER, 'POST /reservations/:id/release'),
      'OrderCancelled written by the saga': has('orders', PRODUCER, 'create orders.OrderCancelled'),
      'order-history applying OrderCancelled': has('order-history', CONSUMER, 'apply orders.OrderCancelled'),
    }
    const missing = () =>
      Object.entries(expected)
        .filter(([, matches]) => !receiver.spans.some(matches))
        .map(([what]) => what)
    await eventually('every span of the cancellation has been exported', async () => missing().length === 0, {
      timeoutMs: 15_000,
    }).catch(() => expect(missing(), `spans of trace ${traceId}`).toEqual([]))
  })
})
