import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { SimulatorSettings } from '@shop/payments-contracts'
import { ProviderUnavailable } from '../errors.ts'
import type { PaymentProvider, ProviderAuthorization, ProviderDecision } from './payment-provider.ts'

/** Uniform numbers in [0, 1). */
export type RandomSource = () => number

export interface SimulatedProviderOptions {
  /** The knobs at start; `configure` replaces them at runtime. */
  settings: SimulatorSettings
  /**
   * Draws latency and faults; seeded in specs so that every run draws the same.
   * @default Math.random
   */
  random?: RandomSource
  /**
   * Waits `ms`, rejecting early when `signal` aborts; replaced in specs so they need not wait.
   * @default node:timers/promises setTimeout
   */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>
  /**
   * Decisions remembered per payment id, oldest forgotten first.
   * @default 100000
   */
  memory?: number
}

/** A payment provider living inside the service, with knobs for latency, declines and faults. */
export interface SimulatedProvider extends PaymentProvider {
  settings(): SimulatorSettings
  configure(settings: SimulatorSettings): void
}

const declineReasons = ['insufficient_funds', 'card_declined', 'expired_card'] as const

const defaultDelay = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal })

/**
 * Decides like a card network would, badly on purpose when told to. Latency is latencyMs ± jitterMs;
 * a share hangRate of calls hangs and a share errorRate fails transiently (hangs win when the two add
 * up to more than 1); of the payments answered, a share declineRate is declined. Faults are per call,
 * decisions per payment: asking again about a payment gives the same decision, which is what makes
 * the service's retries safe.
 */
export function createSimulatedProvider(options: SimulatedProviderOptions): SimulatedProvider {
  const random = options.random ?? Math.random
  const delay = options.delay ?? defaultDelay
  const memory = options.memory ?? 100_000
  const decisions = new Map<string, ProviderDecision>()
  let settings: SimulatorSettings = { ...options.settings }

  function remember(paymentId: string, decision: ProviderDecision): ProviderDecision {
    decisions.set(paymentId, decision)
    if (decisions.size > memory) decisions.delete(decisions.keys().next().value!)
    return decision
  }

  function decisionFor(paymentId: string, declineRate: number): ProviderDecision {
    const known = decisions.get(paymentId)
    if (known !== undefined) return known
    // Drawn from the id, not from `random`: replicas of the service each hold a simulator, and a retry
    // that lands on another replica must still get the same decision.
    const digest = createHash('sha256').update(paymentId).digest()
    const declined = digest.readUIntBE(0, 6) / 2 ** 48 < declineRate
    return remember(
      paymentId,
      declined ? { approved: false, reason: declineReasons[digest[6]! % declineReasons.length]! } : { approved: true },
    )
  }

  return {
    async authorize(request: ProviderAuthorization, signal: AbortSignal): Promise<ProviderDecision> {
      const current = settings // a reconfiguration during the call applies to the next one
      const latency = Math.max(0, Math.round(current.latencyMs + (random() * 2 - 1) * current.jitterMs))
      const fault = random()
      await delay(latency, signal)
      if (fault < current.hangRate) return hangUntil(signal)
      if (fault < current.hangRate + current.errorRate)
        throw new ProviderUnavailable('The simulated provider failed transiently')
      return decisionFor(request.paymentId, current.declineRate)
    },
    settings: () => ({ ...settings }),
    configure(next) {
      settings = { ...next }
    },
  }
}

/** Never answers; only the caller giving up ends the wait. */
function hangUntil(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
