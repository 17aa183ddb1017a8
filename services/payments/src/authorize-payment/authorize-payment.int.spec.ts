import { newId } from '@seams/core'
import { createHttpClient, UpstreamUnavailable } from '@seams/http-client'
import { createPaymentsClient } from '@shop/payments-contracts'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { calm, createPaymentsTestApp, newTerms, type PaymentsTestApp } from '../payments-test-app.ts'

const providerTimeoutMs = 150

describe('authorizing against the simulated provider', () => {
  let t: PaymentsTestApp

  beforeAll(async () => {
    t = await createPaymentsTestApp({ providerTimeoutMs })
  })

  afterEach(() => t.simulate(calm))

  afterAll(async () => {
    await t?.close()
  })

  it('records a decline as a failed payment with its reason, not as an HTTP error', async () => {
    await t.simulate({ declineRate: 1 })
    const terms = newTerms()
    const declined = await t.authorize(terms)
    expect(declined.statusCode).toBe(201)
    expect(declined.json()).toMatchObject({ status: 'failed', failureReason: expect.any(String), version: 2 })
    await t.simulate({ declineRate: 0 })
    expect((await t.authorize(terms)).json()).toEqual(declined.json())
    expect((await t.act(terms.paymentId, 'capture')).statusCode).toBe(409)
    const events = await t.eventsOf(terms.paymentId)
    expect(events.map((event) => event.type)).toEqual(['payments.PaymentFailed'])
    expect(events[0]!.data).toMatchObject({ status: 'failed', failureReason: declined.json().failureReason })
  })

  it('answers 503 on a provider fault and leaves the payment pending for the retry to complete', async () => {
    await t.simulate({ errorRate: 1 })
    const terms = newTerms()
    const failed = await t.authorize(terms)
    expect(failed.statusCode).toBe(503)
    expect(failed.headers['content-type']).toContain('application/problem+json')
    expect(failed.json()).toMatchObject({ code: 'PAYMENTS_PROVIDER_UNAVAILABLE' })
    expect(await t.paymentOf(terms.paymentId)).toMatchObject({ status: 'pending', version: 1 })
    expect(await t.eventsOf(terms.paymentId)).toEqual([])
    await t.simulate({ errorRate: 0 })
    const retried = await t.authorize(terms)
    expect(retried.statusCode).toBe(201)
    expect(retried.json()).toMatchObject({ status: 'authorized', version: 2 })
    expect((await t.eventsOf(terms.paymentId)).map((event) => event.type)).toEqual(['payments.PaymentAuthorized'])
  })

  it('answers 503 within the provider timeout when the provider hangs', async () => {
    await t.simulate({ hangRate: 1 })
    const terms = newTerms()
    const started = performance.now()
    const hung = await t.authorize(terms)
    const elapsed = performance.now() - started
    expect(hung.statusCode).toBe(503)
    expect(hung.json()).toMatchObject({ code: 'PAYMENTS_PROVIDER_TIMEOUT' })
    expect(elapsed).toBeGreaterThanOrEqual(providerTimeoutMs - 5)
    expect(elapsed).toBeLessThan(providerTimeoutMs + 1000)
    expect(await t.paymentOf(terms.paymentId)).toMatchObject({ status: 'pending' })
    await t.simulate({ hangRate: 0 })
    expect((await t.authorize(terms)).json()).toMatchObject({ status: 'authorized' })
  })

  it('is usable through its typed client over HTTP', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as { port: number }
    const http = createHttpClient({
      name: 'payments',
      baseUrl: `http://127.0.0.1:${port}`,
      tokens: t.identities.authOf('orders'),
    })
    const operatorHttp = createHttpClient({
      name: 'payments',
      baseUrl: `http://127.0.0.1:${port}`,
      tokens: t.identities.authOf('operator'),
    })
    const payments = createPaymentsClient(http)
    const simulator = createPaymentsClient(operatorHttp)
    try {
      const terms = newTerms()
      expect(await payments.authorize(terms)).toMatchObject({
        ok: true,
        payment: { id: terms.paymentId, status: 'authorized' },
      })
      expect(await payments.capture(terms.paymentId)).toMatchObject({ status: 'captured' })
      expect(await payments.findByOrder(terms.orderId)).toMatchObject({ id: terms.paymentId })
      expect(await payments.findByOrder(newId())).toBeUndefined()
      expect(await payments.getPayment(newId())).toBeUndefined()
      expect(await payments.void(newId())).toBeUndefined()
      await simulator.configureSimulator({ ...calm, declineRate: 1 })
      expect(await simulator.simulatorSettings()).toMatchObject({ declineRate: 1 })
      const declined = await payments.authorize(newTerms())
      expect(declined).toMatchObject({ ok: false, reason: 'DECLINED', payment: { status: 'failed' } })
      // 503 is retried under the payment id and, still failing, surfaces as the dependency being down.
      const unlucky = newTerms()
      await simulator.configureSimulator({ ...calm, errorRate: 1 })
      await expect(payments.authorize(unlucky)).rejects.toBeInstanceOf(UpstreamUnavailable)
      await simulator.configureSimulator(calm)
      expect(await payments.authorize(unlucky)).toMatchObject({
        ok: true,
        payment: { id: unlucky.paymentId, status: 'authorized' },
      })
    } finally {
      await http.close()
      await operatorHttp.close()
    }
  })
})
