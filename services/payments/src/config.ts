import { serviceConfigFields } from '@seams/service-kit'
import Type from 'typebox'

const Rate = (description: string) => Type.Number({ minimum: 0, maximum: 1, default: 0, description })

export const PaymentsConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8084 }),
  ORDERS_URL: Type.String({ pattern: '^https?://', description: 'Feed of order events (cancellations to settle)' }),
  PAYMENT_CALLERS: Type.String({
    default: 'orders',
    description: 'Comma-separated services allowed to authorize, capture, void, refund and tune the simulator',
  }),
  PROVIDER_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    maximum: 60_000,
    default: 2000,
    description: 'Longest wait for the provider before answering 503',
  }),
  PROVIDER_LATENCY_MS: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 20,
    description: 'Simulated provider: mean latency',
  }),
  PROVIDER_JITTER_MS: Type.Integer({
    minimum: 0,
    maximum: 10_000,
    default: 10,
    description: 'Simulated provider: latency varies by up to this much either way',
  }),
  PROVIDER_DECLINE_RATE: Rate('Simulated provider: share of payments declined'),
  PROVIDER_ERROR_RATE: Rate('Simulated provider: share of calls failing transiently'),
  PROVIDER_HANG_RATE: Rate('Simulated provider: share of calls never answered'),
})
