import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { newId } from '@seams/core'
import { adminDatabaseUrl, eventually } from '@seams/testing'
import { startTestShop, type TestShop } from '@shop/launcher'
import { base64url, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayClient } from './support/gateway-client.ts'

// Every trust boundary attacked from outside, through real processes: what an anonymous client, another
// customer, a customer playing admin or service, a forger and another service can get. Each answer is
// the refusal itself, and the data behind it must not leak into it.
describe('trust boundaries', () => {
  let test: TestShop
  let api: ReturnType<typeof gatewayClient>
  let alice: { id: string; token: string }
  let bob: { id: string; token: string }
  let adminToken: string
  let orderId: string
  let paymentId: string
  let productId: string
  const secretName = `Alice ${randomBytes(4).toString('hex')}`

  beforeAll(async () => {
    test = await startTestShop(adminDatabaseUrl(), { overrides: { gateway: { REQUEST_TIMEOUT_MS: '1500' } } })
    api = gatewayClient(test.shop.urls.gateway)
    alice = await api.register(
      `alice-${randomBytes(4).toString('hex')}@example.com`,
      secretName,
      'correct-horse-battery',
    )
    bob = await api.register(`bob-${randomBytes(4).toString('hex')}@example.com`, 'Bob', 'correct-horse-battery')
    adminToken = await api.login(test.shop.wiring.admin.email, test.secrets.adminPassword)
    const product = await api.request('POST', '/api/products', {
      token: adminToken,
      body: {
        sku: `SEC-${randomBytes(3).toString('hex')}`,
        name: 'Safe',
        priceCents: 1200,
        currency: 'EUR',
        stockOnHand: 10,
      },
    })
    expect(product.status).toBe(201)
    productId = product.body.id
    const placed = await api.request('POST', '/api/orders', {
      token: alice.token,
      headers: { 'idempotency-key': `sec-${randomBytes(4).toString('hex')}` },
      body: { items: [{ productId, quantity: 1 }] },
    })
    expect(placed.status).toBe(202)
    orderId = placed.body.orderId
    await eventually('the order is confirmed and in the history', async () => {
      const history = await api.request('GET', `/api/order-history/${orderId}`, { token: alice.token })
      return history.status === 200 && history.body.status === 'CONFIRMED' && history.body.paymentStatus !== null
    })
    paymentId = (await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })).body.paymentId
  })

  afterAll(async () => {
    await test?.close()
  })

  const ownedReads = () => [
    `/api/orders/${orderId}`,
    `/api/orders/${orderId}/details`,
    `/api/payments?orderId=${orderId}`,
    `/api/payments/${paymentId}`,
    `/api/order-history/${orderId}`,
    `/api/users/${alice.id}`,
  ]

  it('asks an anonymous client to log in for every owned resource, and tells it nothing of them', async () => {
    for (const path of [...ownedReads(), '/api/orders', '/api/order-history', '/api/users/me']) {
      const answer = await api.request('GET', path)
      expect(answer.status, path).toBe(401)
      expect(answer.headers.get('content-type'), path).toContain('application/problem+json')
      // The problem names the path the client itself asked for, and nothing else.
      const { instance: _asked, ...problem } = answer.body as Record<string, unknown>
      const text = JSON.stringify(problem)
      for (const secret of [secretName, alice.id, paymentId]) expect(text, path).not.toContain(secret)
    }
  })

  it("hides one customer's resources from another as if they did not exist", async () => {
    for (const path of ownedReads()) {
      const answer = await api.request('GET', path, { token: bob.token })
      expect(answer.status, path).toBe(404)
      expect(JSON.stringify(answer.body), path).not.toContain(secretName)
    }
    expect((await api.request('GET', `/api/orders?customerId=${alice.id}`, { token: bob.token })).status).toBe(403)
    expect((await api.request('GET', `/api/order-history?customerId=${alice.id}`, { token: bob.token })).status).toBe(
      403,
    )
    expect((await api.request('GET', '/api/order-history', { token: bob.token })).body.items).toEqual([])
    // The owner and an admin do see them.
    for (const path of ownedReads()) {
      expect((await api.request('GET', path, { token: alice.token })).status, path).toBe(200)
      expect((await api.request('GET', path, { token: adminToken })).status, path).toBe(200)
    }
  })

  it('refuses anonymous and cross-customer writes, and changes nothing', async () => {
    const key = { 'idempotency-key': `sec-${randomBytes(4).toString('hex')}` }
    expect(
      (await api.request('POST', '/api/orders', { headers: key, body: { items: [{ productId, quantity: 1 }] } }))
        .status,
    ).toBe(401)
    expect((await api.request('POST', `/api/orders/${orderId}/cancel`)).status).toBe(401)
    expect((await api.request('POST', `/api/orders/${orderId}/cancel`, { token: bob.token })).status).toBe(404)
    expect(
      (await api.request('PATCH', `/api/users/${alice.id}`, { token: bob.token, body: { name: 'Mallory' } })).status,
    ).toBe(404)
    expect((await api.request('PATCH', `/api/users/${alice.id}`, { body: { name: 'Mallory' } })).status).toBe(401)
    expect((await api.request('POST', `/api/users/${alice.id}/deactivate`, { token: bob.token })).status).toBe(404)
    expect((await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })).body.status).toBe('CONFIRMED')
    expect((await api.request('GET', '/api/users/me', { token: alice.token })).body).toMatchObject({
      name: secretName,
      status: 'active',
    })
  })

  it('keeps admin operations from customers, and service operations out of the public API', async () => {
    expect(
      (
        await api.request('POST', '/api/products', {
          token: bob.token,
          body: { sku: 'NOPE-1', name: 'x', priceCents: 1, currency: 'EUR', stockOnHand: 1 },
        })
      ).status,
    ).toBe(403)
    expect(
      (await api.request('PATCH', `/api/products/${productId}`, { token: bob.token, body: { priceCents: 1 } })).status,
    ).toBe(403)
    expect(
      (
        await api.request('POST', `/api/products/${productId}/stock-adjustments`, {
          token: bob.token,
          body: { delta: 100, reason: 'x' },
        })
      ).status,
    ).toBe(403)
    for (const path of [
      '/api/reservations',
      '/api/simulator',
      '/api/events',
      '/api/ops/events',
      '/api/payments/x/../../simulator',
    ]) {
      const answer = await api.request(path.includes('reservations') ? 'POST' : 'GET', path, {
        token: adminToken,
        body: path.includes('reservations') ? { reservationId: orderId, items: [] } : undefined,
      })
      expect([400, 404], path).toContain(answer.status)
    }
    // Straight to a service's port with the customer's own access token: it is not a service token.
    const direct = await fetch(`${test.shop.urls.payments}/payments/${paymentId}/refund`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}` },
    })
    expect(direct.status).toBe(401)
  })

  it('ignores or refuses server-set fields a client tries to assign', async () => {
    const email = `mallory-${randomBytes(4).toString('hex')}@example.com`
    const asAdmin = await api.request('POST', '/api/users', {
      body: { email, name: 'Mallory', password: 'correct-horse-battery', role: 'admin' },
    })
    expect(asAdmin.status).toBe(400)
    expect(asAdmin.body.detail).toContain('role')
    expect(
      (await api.request('PATCH', `/api/users/${bob.id}`, { token: bob.token, body: { name: 'Bob', role: 'admin' } }))
        .status,
    ).toBe(400)
    expect(
      (
        await api.request('PATCH', `/api/users/${bob.id}`, {
          token: bob.token,
          body: { name: 'Bob', status: 'active', version: 99 },
        })
      ).status,
    ).toBe(400)
    const free = await api.request('POST', '/api/orders', {
      token: bob.token,
      headers: { 'idempotency-key': `sec-${randomBytes(4).toString('hex')}` },
      body: {
        items: [{ productId, quantity: 1, unitPriceCents: 0 }],
        totalCents: 0,
        status: 'CONFIRMED',
        customerId: alice.id,
      },
    })
    expect(free.status).toBe(400)
    expect((await api.request('GET', '/api/users/me', { token: bob.token })).body.role).toBe('customer')
  })

  it("refuses forged access tokens: none algorithm, a stranger's key, HMAC with the public key, expired", async () => {
    const claims = { sub: bob.id, role: 'admin', email: 'bob@example.com' }
    const none = new UnsecuredJWT(claims)
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setExpirationTime('10m')
      .encode()
    const [header] = alice.token.split('.')
    const kid = JSON.parse(Buffer.from(header!, 'base64url').toString()).kid as string
    const stranger = await generateKeyPair('ES256')
    const strangers = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setExpirationTime('10m')
      .sign(stranger.privateKey)
    const jwks = (await (await fetch(`${test.shop.urls.users}/.well-known/jwks.json`)).json()) as { keys: object[] }
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer('seams-users')
      .setAudience('seams-shop')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])))
    const expired = await test.userToken({ id: bob.id, role: 'admin' }, { expiresInSeconds: -60 })
    const [, alicesClaims, alicesSignature] = alice.token.split('.')
    const promoted = { ...JSON.parse(Buffer.from(alicesClaims!, 'base64url').toString()), role: 'admin' }
    const tampered = `${header}.${base64url.encode(JSON.stringify(promoted))}.${alicesSignature}`
    for (const forged of [none, strangers, confused, expired, tampered, `${alice.token}x`, 'not-a-jwt']) {
      const answer = await api.request('GET', `/api/orders/${orderId}`, { token: forged })
      expect(answer.status).toBe(401)
      expect(answer.headers.get('www-authenticate')).toContain('invalid_token')
      // Straight to a service, as the user token beside a service token the attacker does not have.
      const direct = await fetch(`${test.shop.urls.orders}/orders/${orderId}`, {
        headers: { authorization: `Bearer ${forged}` },
      })
      expect(direct.status).toBe(401)
    }
  })

  it('lets each service do only what it declares, whoever signs the token', async () => {
    const call = async (
      caller: string,
      service: 'catalog' | 'payments' | 'orders' | 'users',
      method: string,
      path: string,
      body?: unknown,
    ) => (await test.call(service, method, path, { as: caller, body })).status
    // Only orders reserves stock and takes payments.
    const reservation = { reservationId: newId(), items: [{ productId, quantity: 1 }] }
    expect(await call('gateway', 'catalog', 'POST', '/reservations', reservation)).toBe(403)
    // An identity a service was never given the key of is a stranger there (401); a known one that the
    // operation does not name is refused (403).
    expect(await call('payments', 'catalog', 'POST', '/reservations', reservation)).toBe(401)
    expect(await call('order-history', 'payments', 'POST', `/payments/${paymentId}/refund`)).toBe(403)
    expect(await call('catalog', 'payments', 'GET', `/payments/${paymentId}`)).toBe(401)
    expect(await call('order-history', 'payments', 'GET', `/payments/${paymentId}`)).toBe(403)
    // Only operators turn the simulator's knobs or read the ops routes.
    expect(
      await call('orders', 'payments', 'PUT', '/simulator', {
        latencyMs: 0,
        jitterMs: 0,
        declineRate: 1,
        errorRate: 0,
        hangRate: 0,
      }),
    ).toBe(403)
    expect(await call('gateway', 'orders', 'GET', '/ops/events')).toBe(403)
    expect(await call('operator', 'orders', 'GET', '/ops/events')).toBe(200)
    // The console's operator routes: another service may neither read them nor pause, reconnect or follow.
    const consumer = 'orders.customer_replica.users'
    expect(await call('gateway', 'orders', 'GET', `/ops/sagas/${orderId}`)).toBe(403)
    expect(await call('gateway', 'orders', 'GET', `/ops/outbox?subject=${orderId}`)).toBe(403)
    expect(await call('gateway', 'orders', 'GET', `/ops/inbox?eventId=${orderId}`)).toBe(403)
    expect(await call('gateway', 'orders', 'POST', `/ops/consumers/${consumer}/pause`)).toBe(403)
    expect(await call('gateway', 'orders', 'POST', '/ops/transport/reconnect')).toBe(403)
    // No token at all, and a customer forwarded by the gateway: refused too.
    expect((await fetch(`${test.shop.urls.orders}/ops/sagas/${orderId}`)).status).toBe(401)
    const customer = { id: newId(), role: 'customer' }
    const asCustomer = await test.call('orders', 'GET', `/ops/sagas/${orderId}`, { user: customer })
    expect(asCustomer.status).toBe(403)
    expect(await call('operator', 'orders', 'GET', `/ops/sagas/${orderId}`)).toBe(200)
    expect(await call('operator', 'orders', 'GET', `/ops/outbox?subject=${orderId}`)).toBe(200)
    expect(await call('operator', 'orders', 'GET', '/ops/inbox?eventId=not-a-uuid')).toBe(400)
    expect(await call('operator', 'orders', 'POST', `/ops/consumers/${consumer}/stop`)).toBe(400)
    expect(await call('operator', 'orders', 'POST', '/ops/consumers/orders.no_such_consumer/pause')).toBe(404)
    // A feed answers only its declared consumers.
    expect(await call('operator', 'catalog', 'GET', '/events?limit=1')).toBe(403)
    expect(await call('payments', 'catalog', 'GET', '/events?limit=1')).toBe(401)
    expect(await call('gateway', 'orders', 'GET', '/events?limit=1')).toBe(403)
    expect(await call('order-history', 'orders', 'GET', '/events?limit=1')).toBe(200)
    // A service acting on its own behalf is not a user: it cannot place or read orders as one.
    expect(await call('catalog', 'orders', 'GET', `/orders/${orderId}`)).toBe(403)
    // One service's key cannot sign for another: order-history's token under orders' name.
    const forged = await test.identity('order-history').tokenFor('payments')
    const [header, payload, signature] = forged.split('.')
    const renamedHeader = base64url.encode(
      JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: 'orders' }),
    )
    const renamed = `${renamedHeader}.${payload}.${signature}`
    expect(
      (
        await fetch(`${test.shop.urls.payments}/payments/${paymentId}/refund`, {
          method: 'POST',
          headers: { authorization: `Bearer ${renamed}` },
        })
      ).status,
    ).toBe(401)
    expect((await api.request('GET', `/api/orders/${orderId}`, { token: alice.token })).body.status).toBe('CONFIRMED')
  })

  it(
    'shuts a deactivated account out at once, tokens issued before included, ' + 'also across a gateway restart',
    async () => {
      const carol = await api.register(
        `carol-${randomBytes(4).toString('hex')}@example.com`,
        'Carol',
        'correct-horse-battery',
      )
      const dave = await api.register(
        `dave-${randomBytes(4).toString('hex')}@example.com`,
        'Dave',
        'correct-horse-battery',
      )
      expect((await api.request('GET', '/api/users/me', { token: carol.token })).status).toBe(200)
      expect((await api.request('POST', `/api/users/${carol.id}/deactivate`, { token: adminToken })).status).toBe(200)
      await eventually(
        "the gateway refuses the deactivated account's token",
        async () => (await api.request('GET', '/api/order-history', { token: carol.token })).status === 401,
        { timeoutMs: 60_000 },
      )
      // A gateway started afterwards never saw the event: it asks the users service about older tokens.
      await test.shop.stop('gateway')
      await test.shop.start('gateway')
      expect((await api.request('GET', '/api/order-history', { token: carol.token })).status).toBe(401)
      expect((await api.request('GET', '/api/order-history', { token: dave.token })).status).toBe(200)
    },
    180_000,
  )

  it(
    'throttles a burst of wrong passwords for one account before the 20th, ' + 'and the owner logs in once it passes',
    async () => {
      const email = `erin-${randomBytes(4).toString('hex')}@example.com`
      await api.register(email, 'Erin', 'correct-horse-battery')
      const answers: number[] = []
      for (let attempt = 0; attempt < 40; attempt += 1)
        answers.push(
          (await api.request('POST', '/api/auth/login', { body: { email, password: `wrong-${attempt}` } })).status,
        )
      const firstRefusal = answers.indexOf(429)
      expect(firstRefusal).toBeGreaterThanOrEqual(0)
      expect(firstRefusal).toBeLessThan(19)
      expect(answers.slice(firstRefusal).every((status) => status === 429)).toBe(true)
      // Other accounts are untouched by one account's throttle.
      expect((await api.request('GET', '/api/users/me', { token: bob.token })).status).toBe(200)
    },
  )

  it('keeps metrics and readiness detail for operators on the public port', async () => {
    expect((await fetch(`${test.shop.urls.gateway}/metrics`)).status).toBe(403)
    expect(
      (await fetch(`${test.shop.urls.gateway}/metrics`, { headers: { authorization: `Bearer ${adminToken}` } })).status,
    ).toBe(403)
    expect(await (await fetch(`${test.shop.urls.gateway}/health/ready`)).json()).toEqual({
      status: 'ready',
      service: 'gateway',
    })
  })

  it('refuses a 3 MB body with 413 and cuts off a client that trickles its body', async () => {
    const huge = await api.request('POST', '/api/users', {
      body: { email: 'big@example.com', name: 'x'.repeat(3 * 1024 * 1024), password: 'correct-horse-battery' },
    })
    expect(huge.status).toBe(413)
    const { hostname, port } = new URL(test.shop.urls.gateway)
    const closedAfterMs = await new Promise<number>((resolve, reject) => {
      const started = Date.now()
      const socket = connect({ host: hostname, port: Number(port) }, () => {
        socket.write(
          `POST /api/users HTTP/1.1\r\nhost: ${hostname}\r\n` +
            'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
        )
      })
      const trickle = setInterval(() => socket.write(' '), 200)
      socket.on('close', () => {
        clearInterval(trickle)
        resolve(Date.now() - started)
      })
      socket.on('error', () => {})
      setTimeout(() => reject(new Error('the slow client was never cut off')), 20_000).unref()
    })
    expect(closedAfterMs).toBeLessThan(10_000)
    // And the gateway goes on serving everyone else.
    await sleep(10)
    expect((await api.request('GET', '/api/users/me', { token: alice.token })).status).toBe(200)
  })
})
