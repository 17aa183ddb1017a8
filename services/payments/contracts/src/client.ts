import type { CallContext, HttpClient } from '@seams/http-client'
import type { AuthorizePaymentRequest, Payment, SimulatorSettings } from './http.ts'

export type AuthorizePaymentResult =
  { ok: true; payment: Payment } | { ok: false; reason: 'DECLINED'; payment: Payment }

// The service waits up to its provider timeout (2 s by default) before answering 503; the client's own
// 2 s default would give up on answers that are about to arrive, so authorize waits longer.
const authorizeTimeoutMs = 5000

/** Typed calls to the payments service; transport, retries and tokens come from the given HttpClient. */
export function createPaymentsClient(http: HttpClient) {
  const change = async (
    id: string,
    action: 'capture' | 'void' | 'refund',
    context: CallContext,
  ): Promise<Payment | undefined> => {
    const response = await http.call<Payment>(
      { method: 'POST', path: `/payments/${encodeURIComponent(id)}/${action}`, idempotencyKey: id, ...context },
      [404],
    )
    return response.status === 404 ? undefined : response.body
  }

  return {
    /**
     * Authorizes the amount; safe to repeat with the same paymentId. A decline is an answer, not an
     * error: the payment is then final with status `failed`.
     */
    async authorize(request: AuthorizePaymentRequest, context: CallContext = {}): Promise<AuthorizePaymentResult> {
      const response = await http.call<Payment>({
        method: 'POST',
        path: '/payments',
        body: request,
        idempotencyKey: request.paymentId,
        timeoutMs: authorizeTimeoutMs,
        ...context,
      })
      const payment = response.body
      return payment.status === 'failed' ? { ok: false, reason: 'DECLINED', payment } : { ok: true, payment }
    },

    /** Takes an authorized amount; capturing twice is a no-op. Undefined when the payment never existed. */
    capture: (id: string, context: CallContext = {}) => change(id, 'capture', context),

    /**
     * Releases an authorization without taking the money; voiding twice is a no-op. Undefined when it never existed.
     */
    void: (id: string, context: CallContext = {}) => change(id, 'void', context),

    /** Pays a captured amount back; refunding twice is a no-op. Undefined when the payment never existed. */
    refund: (id: string, context: CallContext = {}) => change(id, 'refund', context),

    async getPayment(id: string, context: CallContext = {}): Promise<Payment | undefined> {
      const response = await http.call<Payment>(
        { method: 'GET', path: `/payments/${encodeURIComponent(id)}`, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },

    /** The order's payment (an order has at most one); undefined when it has none. */
    async findByOrder(orderId: string, context: CallContext = {}): Promise<Payment | undefined> {
      const response = await http.call<Payment>(
        { method: 'GET', path: '/payments', query: { orderId }, ...context },
        [404],
      )
      return response.status === 404 ? undefined : response.body
    },

    /** The simulated provider's knobs, for fault injection. */
    async simulatorSettings(context: CallContext = {}): Promise<SimulatorSettings> {
      return (await http.call<SimulatorSettings>({ method: 'GET', path: '/simulator', ...context })).body
    },

    async configureSimulator(settings: SimulatorSettings, context: CallContext = {}): Promise<SimulatorSettings> {
      return (await http.call<SimulatorSettings>({ method: 'PUT', path: '/simulator', body: settings, ...context }))
        .body
    },
  }
}

export type PaymentsClient = ReturnType<typeof createPaymentsClient>
