import { newId } from '@seams/core'
import type { Payment } from '@shop/payments-contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { calm, createPaymentsTestApp, newTerms, type PaymentsTestApp } from './payments-test-app.ts'

describe('payments', () => {
  let t: PaymentsTestApp

  beforeAll(async () => {
    t = await createPaymentsTestApp({ providerTimeoutMs: 2000 })
  })

  afterAll(async () => {
    await t?.close()
  })

  it(
    'authorizes, captures and refunds, ' + 'answering repeats with the current state and publishing each change once',
    async () => {
      const terms = newTerms()
      const first = await t.authorize(terms)
      expect(first.statusCode, first.body).toBe(201)
      expect(first.json()).toMatchObject({
        id: terms.paymentId,
        orderId: terms.orderId,
        amountCents: 4200,
        status: 'authorized',
        failureReason: null,
        version: 2,
      })
      const again = await t.authorize(terms)
      expect(again.statusCode).toBe(200)
      expect(again.json()).toEqual(first.json())

      for (const [action, status] of [
        ['capture', 'captured'],
        ['refund', 'refunded'],
      ] as const) {
        const done = await t.act(terms.paymentId, action)
        expect(done.json()).toMatchObject({ status })
        const repeated = await t.act(terms.paymentId, action)
        expect(repeated.statusCode).toBe(200)
        expect(repeated.json()).toEqual(done.json())
      }
      // A late capture or authorization retry took effect long ago: it is answered, not refused.
      expect((await t.act(terms.paymentId, 'capture')).json()).toMatchObject({ status: 'refunded', version: 4 })
      expect((await t.authorize(terms)).json()).toMatchObject({ status: 'refunded' })

      const events = await t.eventsOf(terms.paymentId)
      expect(events.map((event) => [event.type, event.version])).toEqual([
        ['payments.PaymentAuthorized', 2],
        ['payments.PaymentCaptured', 3],
        ['payments.PaymentRefunded', 4],
      ])
      expect(events[2]!.data).toEqual({
        paymentId: terms.paymentId,
        orderId: terms.orderId,
        customerId: terms.customerId,
        amountCents: 4200,
        currency: 'EUR',
        status: 'refunded',
      })
    },
  )

  it('writes each event in the transaction that changes the payment', async () => {
    const terms = newTerms()
    const writers = async () => {
      const [payment] = await t.sql`select xmin::text as tx from payments where id = ${terms.paymentId}`
      const [event] = await t.sql`
        select xmin::text as tx from seams_outbox where subject = ${terms.paymentId} order by id desc limit 1`
      return [payment!['tx'], event!['tx']]
    }
    await t.authorize(terms)
    const [authorizedBy, authorizedEventBy] = await writers()
    expect(authorizedEventBy).toBe(authorizedBy)
    await t.act(terms.paymentId, 'void')
    const [voidedBy, voidedEventBy] = await writers()
    expect(voidedEventBy).toBe(voidedBy)
    expect(voidedBy).not.toBe(authorizedBy)
  })

  it('voids an authorization for good and refuses illegal transitions with 409', async () => {
    const voided = newTerms()
    await t.authorize(voided)
    expect((await t.act(voided.paymentId, 'void')).json()).toMatchObject({ status: 'voided', version: 3 })
    expect((await t.act(voided.paymentId, 'void')).json()).toMatchObject({ status: 'voided', version: 3 })
    const captured = newTerms()
    await t.authorize(captured)
    await t.act(captured.paymentId, 'capture')
    const eventsBefore = await t.count('seams_outbox')
    for (const [id, action, status] of [
      [voided.paymentId, 'capture', 'voided'],
      [voided.paymentId, 'refund', 'voided'],
      [captured.paymentId, 'void', 'captured'],
    ] as const) {
      const refused = await t.act(id, action)
      expect(refused.statusCode, `${action} a ${status} payment`).toBe(409)
      expect(refused.headers['content-type']).toContain('application/problem+json')
      expect(refused.json()).toMatchObject({
        code: 'PAYMENTS_ILLEGAL_TRANSITION',
        status: 409,
        paymentId: id,
        paymentStatus: status,
      })
    }
    const authorized = newTerms()
    await t.authorize(authorized)
    expect((await t.act(authorized.paymentId, 'refund')).json()).toMatchObject({ code: 'PAYMENTS_ILLEGAL_TRANSITION' })
    expect(await t.count('seams_outbox')).toBe(eventsBefore + 1)
    expect((await t.act(newId(), 'capture')).statusCode).toBe(404)
  })

  it('refuses a repeated payment id with other terms (422) and a second payment for an order (409)', async () => {
    const terms = newTerms()
    const first = (await t.authorize(terms)).json() as Payment
    for (const changed of [{ orderId: newId() }, { customerId: newId() }, { amountCents: 4300 }, { currency: 'USD' }]) {
      const response = await t.authorize({ ...terms, ...changed })
      expect(response.statusCode, JSON.stringify(changed)).toBe(422)
      expect(response.json()).toMatchObject({ code: 'PAYMENTS_IDEMPOTENCY_MISMATCH', fields: Object.keys(changed) })
    }
    const second = await t.authorize({ ...terms, paymentId: newId() })
    expect(second.statusCode).toBe(409)
    expect(second.json()).toMatchObject({ code: 'PAYMENTS_ORDER_ALREADY_PAID', orderId: terms.orderId })
    expect(await t.paymentOf(terms.paymentId)).toEqual(first)
    expect(await t.eventsOf(terms.paymentId)).toHaveLength(1)
  })

  it('settles concurrent repeats once: one 201, one event', async () => {
    const terms = newTerms()
    const attempts = await Promise.all(Array.from({ length: 10 }, () => t.authorize(terms)))
    expect(attempts.filter((response) => response.statusCode === 201)).toHaveLength(1)
    expect(attempts.filter((response) => response.statusCode === 200)).toHaveLength(9)
    expect(new Set(attempts.map((response) => response.body)).size).toBe(1)
    await Promise.all(Array.from({ length: 10 }, () => t.act(terms.paymentId, 'capture')))
    expect((await t.eventsOf(terms.paymentId)).map((event) => event.type)).toEqual([
      'payments.PaymentAuthorized',
      'payments.PaymentCaptured',
    ])
  })

  it('shows a payment to orders, admins and its customer only; only the configured callers change it', async () => {
    const terms = newTerms()
    await t.authorize(terms)
    const customer = { id: terms.customerId, role: 'customer' }
    const readers = [await t.asOrders(), await t.asUser({ id: newId(), role: 'admin' }), await t.asUser(customer)]
    for (const url of [`/payments/${terms.paymentId}`, `/payments?orderId=${terms.orderId}`]) {
      for (const headers of readers)
        expect((await t.app.inject({ method: 'GET', url, headers })).json()).toMatchObject({ id: terms.paymentId })
      const stranger = await t.app.inject({
        method: 'GET',
        url,
        headers: await t.asUser({ id: newId(), role: 'customer' }),
      })
      expect(stranger.statusCode).toBe(404)
      expect(stranger.json()).toMatchObject({ code: 'PAYMENTS_PAYMENT_NOT_FOUND' })
      expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(401)
      // The gateway without a user is an anonymous client; catalog has no business with payments.
      expect((await t.app.inject({ method: 'GET', url, headers: await t.bearer('gateway') })).statusCode).toBe(401)
      expect((await t.app.inject({ method: 'GET', url, headers: await t.bearer('catalog') })).statusCode).toBe(403)
    }
    const writes = [
      { method: 'POST', url: '/payments', payload: newTerms() },
      { method: 'POST', url: `/payments/${terms.paymentId}/capture` },
      { method: 'POST', url: `/payments/${terms.paymentId}/void` },
      { method: 'POST', url: `/payments/${terms.paymentId}/refund` },
      { method: 'GET', url: '/simulator' },
      { method: 'PUT', url: '/simulator', payload: calm },
    ] as const
    for (const write of writes) {
      const callers = [
        await t.bearer('catalog'),
        await t.asUser(customer),
        await t.bearer('gateway', { id: newId(), role: 'admin' }),
      ]
      // Orders pays, but the simulator's knobs are the operator's alone.
      if (write.url === '/simulator') callers.push(await t.asOrders())
      for (const headers of callers) {
        expect((await t.app.inject({ ...write, headers })).statusCode, `${write.method} ${write.url}`).toBe(403)
      }
      expect((await t.app.inject(write)).statusCode).toBe(401)
    }
    expect(await t.paymentOf(terms.paymentId)).toMatchObject({ status: 'authorized', version: 2 })
  })

  it('rejects bad input with 400 naming the field, writing nothing', async () => {
    const terms = newTerms()
    await t.authorize(terms)
    const id = terms.paymentId
    const post = (payload: unknown) => ({ method: 'POST' as const, url: '/payments', payload })
    const cases: { method: 'POST' | 'GET' | 'PUT'; url: string; payload?: unknown; field: string }[] = [
      { ...post({ ...newTerms(), paymentId: 'nope' }), field: 'body.paymentId' },
      { ...post({ ...newTerms(), orderId: undefined }), field: 'body.orderId' },
      { ...post({ ...newTerms(), customerId: 42 }), field: 'body.customerId' },
      { ...post({ ...newTerms(), amountCents: 0 }), field: 'body.amountCents' },
      { ...post({ ...newTerms(), amountCents: 1.5 }), field: 'body.amountCents' },
      { ...post({ ...newTerms(), currency: 'eur' }), field: 'body.currency' },
      { ...post({ ...newTerms(), status: 'captured' }), field: 'body.status' },
      ...(['capture', 'void', 'refund'] as const).map((action) => ({
        method: 'POST' as const,
        url: `/payments/not-a-uuid/${action}`,
        field: 'params.id',
      })),
      { method: 'GET', url: '/payments/42', field: 'params.id' },
      { method: 'GET', url: '/payments', field: 'querystring.orderId' },
      { method: 'GET', url: '/payments?orderId=x', field: 'querystring.orderId' },
      {
        method: 'GET',
        url: `/payments?orderId=${terms.orderId}&customerId=${terms.customerId}`,
        field: 'querystring.customerId',
      },
      { method: 'PUT', url: '/simulator', payload: { ...calm, declineRate: 2 }, field: 'body.declineRate' },
      { method: 'PUT', url: '/simulator', payload: { ...calm, latencyMs: -1 }, field: 'body.latencyMs' },
      { method: 'PUT', url: '/simulator', payload: { ...calm, hangRate: undefined }, field: 'body.hangRate' },
      { method: 'PUT', url: '/simulator', payload: { ...calm, seed: 1 }, field: 'body.seed' },
    ]
    const before = await Promise.all(['payments', 'seams_outbox'].map(t.count))
    for (const bad of cases) {
      const headers = bad.url === '/simulator' ? await t.bearer('operator') : await t.asOrders()
      const response = await t.app.inject({ method: bad.method, url: bad.url, payload: bad.payload as object, headers })
      expect(response.statusCode, `${bad.method} ${bad.url} ${JSON.stringify(bad.payload)}`).toBe(400)
      expect(response.headers['content-type']).toContain('application/problem+json')
      expect(response.json().detail, JSON.stringify(bad.payload)).toContain(bad.field)
    }
    expect(await Promise.all(['payments', 'seams_outbox'].map(t.count))).toEqual(before)
    expect(await t.paymentOf(id)).toMatchObject({ status: 'authorized', version: 2 })
    expect(
      (await t.app.inject({ method: 'GET', url: '/simulator', headers: await t.bearer('operator') })).json(),
    ).toEqual(calm)
  })

  it('serves its OpenAPI document and health without a token', async () => {
    const openapi = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/payments', '/payments/{id}', '/payments/{id}/capture', '/simulator']),
    )
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ready' })
  })
})
