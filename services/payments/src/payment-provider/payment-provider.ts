import { ProviderTimeout, ProviderUnavailable } from '../errors.ts'

/** What the service asks the provider (card network, PSP) to authorize. */
export interface ProviderAuthorization {
  paymentId: string
  orderId: string
  customerId: string
  amountCents: number
  currency: string
}

export type ProviderDecision = { approved: true } | { approved: false; reason: string }

/**
 * The external part of payments: the one thing a real deployment replaces. Only authorization goes
 * through it; capture, void and refund are instantaneous bookkeeping in the simulator, so the service
 * records them locally.
 */
export interface PaymentProvider {
  /**
   * Decides on a payment. Asking again about the same paymentId gives the same decision. Rejects on a
   * transient fault (nothing was decided that the service must keep); should stop when `signal` aborts.
   */
  authorize(request: ProviderAuthorization, signal: AbortSignal): Promise<ProviderDecision>
}

/**
 * Asks the provider, but answers within `timeoutMs` whatever it does: a provider that hangs must not
 * hold a request (and a caller's connection) open. Every failure becomes a 503-class SeamsError.
 */
export async function authorizeWithin(
  provider: PaymentProvider,
  request: ProviderAuthorization,
  timeoutMs: number,
): Promise<ProviderDecision> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      // Rejecting before aborting makes the timeout, not the provider's reaction to it, the answer.
      reject(
        new ProviderTimeout(`The payment provider did not answer within ${timeoutMs} ms`, { details: { timeoutMs } }),
      )
      controller.abort()
    }, timeoutMs)
  })
  try {
    return await Promise.race([provider.authorize(request, controller.signal), deadline])
  } catch (error) {
    if (error instanceof ProviderTimeout || error instanceof ProviderUnavailable) throw error
    throw new ProviderUnavailable(`The payment provider failed: ${(error as Error).message}`, { cause: error })
  } finally {
    clearTimeout(timer)
  }
}
