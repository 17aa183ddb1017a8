import { describe, expect, it } from 'vitest'
import { ProviderTimeout, ProviderUnavailable } from '../errors.ts'
import { authorizeWithin, type PaymentProvider } from './payment-provider.ts'

const request = { paymentId: 'p', orderId: 'o', customerId: 'c', amountCents: 1, currency: 'EUR' }

describe('authorizeWithin', () => {
  it("passes the provider's decision through", async () => {
    const provider: PaymentProvider = { authorize: async () => ({ approved: false, reason: 'card_declined' }) }
    await expect(authorizeWithin(provider, request, 1000)).resolves.toEqual({
      approved: false,
      reason: 'card_declined',
    })
  })

  it('gives up on a provider that ignores the deadline, and tells it to stop', async () => {
    let signal: AbortSignal | undefined
    const provider: PaymentProvider = {
      authorize: (_request, given) => {
        signal = given
        return new Promise(() => {})
      },
    }
    const started = performance.now()
    await expect(authorizeWithin(provider, request, 30)).rejects.toBeInstanceOf(ProviderTimeout)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(signal?.aborted).toBe(true)
  })

  it('turns any other provider failure into ProviderUnavailable', async () => {
    const provider: PaymentProvider = { authorize: async () => Promise.reject(new TypeError('socket hang up')) }
    const failure = authorizeWithin(provider, request, 1000)
    await expect(failure).rejects.toBeInstanceOf(ProviderUnavailable)
    await expect(failure).rejects.toThrow('socket hang up')
  })
})
