import { seededRandom } from '@seams/core'
import type { SimulatorSettings } from '@shop/payments-contracts'
import { describe, expect, it } from 'vitest'
import { ProviderUnavailable } from '../errors.ts'
import { createSimulatedProvider } from './simulated-provider.ts'

const calm: SimulatorSettings = { latencyMs: 20, jitterMs: 10, declineRate: 0, errorRate: 0, hangRate: 0 }

const paymentId = (index: number) => `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`
const request = (index: number) => ({
  paymentId: paymentId(index),
  orderId: paymentId(1_000_000 + index),
  customerId: paymentId(7),
  amountCents: 100,
  currency: 'EUR',
})

/** A simulator whose waits are recorded instead of waited, drawing from a seeded source. */
function simulator(settings: Partial<SimulatorSettings>, seed = 42) {
  const waits: number[] = []
  const provider = createSimulatedProvider({
    settings: { ...calm, ...settings },
    random: seededRandom(seed),
    delay: async (ms) => {
      waits.push(ms)
    },
  })
  return { provider, waits }
}

const never = new AbortController().signal

async function outcomes(provider: ReturnType<typeof simulator>['provider'], count: number) {
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => provider.authorize(request(index), never)),
  )
  return {
    approved: results.filter((result) => result.status === 'fulfilled' && result.value.approved).length,
    declined: results.filter((result) => result.status === 'fulfilled' && !result.value.approved).length,
    failed: results.filter((result) => result.status === 'rejected' && result.reason instanceof ProviderUnavailable)
      .length,
  }
}

describe('simulated provider', () => {
  it('waits latencyMs ± jitterMs, never less than zero', async () => {
    const { provider, waits } = simulator({ latencyMs: 20, jitterMs: 10 })
    await outcomes(provider, 500)
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(10)
    expect(Math.max(...waits)).toBeLessThanOrEqual(30)
    expect(new Set(waits).size).toBeGreaterThan(10)
    const wide = simulator({ latencyMs: 5, jitterMs: 50 })
    await outcomes(wide.provider, 200)
    expect(Math.min(...wide.waits)).toBe(0)
  })

  it('approves everything when calm and declines everything at declineRate 1', async () => {
    expect(await outcomes(simulator({}).provider, 200)).toEqual({ approved: 200, declined: 0, failed: 0 })
    expect(await outcomes(simulator({ declineRate: 1 }).provider, 200)).toEqual({
      approved: 0,
      declined: 200,
      failed: 0,
    })
  })

  it('declines about declineRate of the payments and fails about errorRate of the calls', async () => {
    const { declined, failed } = await outcomes(simulator({ declineRate: 0.3, errorRate: 0.2 }).provider, 2000)
    expect(failed / 2000).toBeGreaterThan(0.17)
    expect(failed / 2000).toBeLessThan(0.23)
    expect(declined / (2000 - failed)).toBeGreaterThan(0.26)
    expect(declined / (2000 - failed)).toBeLessThan(0.34)
  })

  it('gives the same decision for a payment asked about again, even after the knobs change', async () => {
    const { provider } = simulator({ declineRate: 0.5 })
    const first = await Promise.all(Array.from({ length: 50 }, (_, index) => provider.authorize(request(index), never)))
    provider.configure({ ...calm, declineRate: 0 })
    const again = await Promise.all(Array.from({ length: 50 }, (_, index) => provider.authorize(request(index), never)))
    expect(again).toEqual(first)
    expect(first.some((decision) => !decision.approved)).toBe(true)
    // A fresh simulator (another replica) derives the same decisions from the ids alone.
    const replica = simulator({ declineRate: 0.5 }, 99).provider
    expect(
      await Promise.all(Array.from({ length: 50 }, (_, index) => replica.authorize(request(index), never))),
    ).toEqual(first)
  })

  it('fails transiently without deciding, so a later call about the payment answers', async () => {
    const { provider } = simulator({ errorRate: 1 })
    await expect(provider.authorize(request(1), never)).rejects.toBeInstanceOf(ProviderUnavailable)
    provider.configure({ ...calm, errorRate: 0 })
    await expect(provider.authorize(request(1), never)).resolves.toEqual({ approved: true })
  })

  it('hangs until the caller gives up', async () => {
    const { provider } = simulator({ hangRate: 1 })
    const caller = new AbortController()
    let settled = false
    const call = provider.authorize(request(1), caller.signal).finally(() => (settled = true))
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    caller.abort(new Error('gave up'))
    await expect(call).rejects.toThrow('gave up')
  })

  it('reports and replaces its settings', () => {
    const { provider } = simulator({})
    const next = { latencyMs: 0, jitterMs: 0, declineRate: 0.1, errorRate: 0.2, hangRate: 0.3 }
    provider.configure(next)
    expect(provider.settings()).toEqual(next)
  })
})
