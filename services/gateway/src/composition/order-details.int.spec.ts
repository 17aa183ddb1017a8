import type { Product } from '@shop/catalog-contracts'
import type { OrderHistoryEntry } from '@shop/order-history-contracts'
import type { User } from '@shop/users-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, timed } from '../testing/eventually.ts'
import { shopActions, type ShopActions } from '../testing/shop-actions.ts'
import { shopClient, type ShopClient } from '../testing/shop-client.ts'
import { startShopUnderTest, type ShopUnderTest } from '../testing/shop-under-test.ts'
import type { OrderDetails } from './order-details.ts'

// API composition at the gateway (four synchronous calls) next to the CQRS view that answers the same
// question from its own tables, on the whole shop in real processes.
describe('order details composed at the gateway', () => {
  let shop: ShopUnderTest
  let client: ShopClient
  let actions: ShopActions
  let customer: { user: User; token: string }
  let lamp: Product
  let shade: Product
  let orderId: string

  beforeAll(async () => {
    shop = await startShopUnderTest({ services: ['users', 'catalog', 'payments', 'orders', 'order-history'] })
    client = shopClient(shop.gatewayUrl)
    actions = shopActions(
      client,
      (await client.logIn(shop.shop.wiring.admin.email, shop.secrets.adminPassword)).accessToken,
    )
    customer = await client.signUp()
    lamp = await actions.addProduct({ name: 'Brass lamp', priceCents: 4500 })
    shade = await actions.addProduct({ name: 'Linen shade', priceCents: 1200 })
    orderId = await actions.placeOrder(customer.token, [
      { productId: lamp.id, quantity: 1 },
      { productId: shade.id, quantity: 2 },
    ])
    await actions.confirmed(customer.token, orderId)
  })

  afterAll(async () => {
    await shop?.stop()
  })

  const details = (token = customer.token) => client.send('GET', `/api/orders/${orderId}/details`, { token })

  async function detailsOk(): Promise<OrderDetails> {
    const response = await details()
    expect(response.status, await response.clone().text()).toBe(200)
    return (await response.json()) as OrderDetails
  }

  const historyEntry = async () => {
    const response = await client.send('GET', `/api/order-history/${orderId}`, { token: customer.token })
    return response.status === 200 ? ((await response.json()) as OrderHistoryEntry) : undefined
  }

  const namedAndPaid = (entry: OrderHistoryEntry | undefined) =>
    entry?.customerName === customer.user.name &&
    entry.paymentStatus === 'authorized' &&
    entry.items.every((item) => item.productName !== null)

  it('answers with the order, its customer, its products and its payment, each from its owner', async () => {
    const { order, customer: owner, products, payment } = await detailsOk()
    expect(order).toMatchObject({
      id: orderId,
      status: 'CONFIRMED',
      customerId: customer.user.id,
      totalCents: 4500 + 2 * 1200,
    })
    expect(owner).toEqual({ status: 'ok', data: customer.user })
    expect(products.status).toBe('ok')
    const names = products.status === 'ok' ? products.data.map((product) => product.name).sort() : []
    expect(names).toEqual(['Brass lamp', 'Linen shade'])
    expect(payment).toMatchObject({
      status: 'ok',
      data: { id: order.paymentId, orderId, status: 'authorized', amountCents: 6900 },
    })
  })

  it('answers without the payment, within the part deadline, while payments hangs', async () => {
    const payments = shop.shop.process('payments')!
    // SIGSTOP: the process keeps its socket but never answers; only the part's deadline ends the wait.
    process.kill(payments.pid, 'SIGSTOP')
    try {
      const { result: answer, ms } = await timed(detailsOk)
      expect(answer.payment.status).toBe('unavailable')
      expect([answer.customer.status, answer.products.status]).toEqual(['ok', 'ok'])
      // Generous: the part deadline is 800 ms, the upstream timeout (what a missing deadline would wait) 3 s.
      expect(ms).toBeLessThan(2000)
    } finally {
      process.kill(payments.pid, 'SIGCONT')
    }
  })

  it('marks only the payment unavailable while payments is stopped; the order history still knows it', async () => {
    // The view learns of the payment through events, so wait until it has before taking payments away.
    await eventually('the order history naming the order and its payment', async () =>
      namedAndPaid(await historyEntry()),
    )
    await shop.shop.stop('payments')
    try {
      const { order, customer: owner, products, payment } = await detailsOk()
      expect(order.id).toBe(orderId)
      expect(payment.status).toBe('unavailable')
      expect(owner.status).toBe('ok')
      expect(products.status).toBe('ok')

      // The same question, answered from order-history's own tables: no call to payments needed.
      const entry = await historyEntry()
      expect(entry).toMatchObject({
        orderId,
        status: 'CONFIRMED',
        customerName: customer.user.name,
        paymentId: order.paymentId,
        paymentStatus: 'authorized',
      })
      expect(entry?.items.map((item) => item.productName).sort()).toEqual(['Brass lamp', 'Linen shade'])
    } finally {
      await shop.shop.start('payments')
    }
  })

  it('hides the order from another customer (404), as the orders service does', async () => {
    const stranger = await client.signUp()
    const response = await details(stranger.token)
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'GATEWAY_ORDER_NOT_FOUND' })
  })

  // Here, where every service runs: the description is assembled from all of their documents.
  it("serves the public API's description, assembled from the services', and a reference page for it", async () => {
    const response = await fetch(`${shop.gatewayUrl}/openapi.json`)
    expect(response.status).toBe(200)
    const openapi = (await response.json()) as {
      paths: Record<string, Record<string, { operationId: string }>>
      components: { securitySchemes: Record<string, unknown> }
    }
    const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => `${method} ${path} ${operation.operationId}`),
    )
    expect(operations).toEqual(
      expect.arrayContaining([
        'post /api/auth/login logIn',
        'get /api/products listProducts',
        'post /api/orders placeOrder',
        'get /api/orders/{id}/details getOrderDetails',
        'get /api/order-history listOrderHistory',
        'get /api/payments/{id} getPayment',
      ]),
    )
    // What only services may call is not part of the public API, even under a forwarded prefix.
    expect(operations.filter((operation) => operation.startsWith('post /api/payments'))).toEqual([])
    expect(Object.keys(openapi.components.securitySchemes)).toEqual(['accessToken'])

    const page = await fetch(`${shop.gatewayUrl}/docs/`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('swagger-ui')
    // Everything the page loads comes from the gateway itself.
    expect(html).not.toMatch(/src="https?:|href="https?:/)
    expect((await fetch(`${shop.gatewayUrl}/docs/static/swagger-ui-bundle.js`)).status).toBe(200)
    expect(await (await fetch(`${shop.gatewayUrl}/docs/json`)).json()).toEqual(openapi)
  })

  it('answers 503 problem+json while orders, the one essential part, is stopped', async () => {
    await shop.shop.stop('orders')
    try {
      const response = await details()
      expect(response.status).toBe(503)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
      expect(await response.json()).toMatchObject({ code: 'GATEWAY_SERVICE_UNAVAILABLE', service: 'orders' })
    } finally {
      await shop.shop.start('orders')
    }
  })
})
