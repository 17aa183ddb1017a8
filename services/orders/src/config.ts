import { serviceConfigFields } from '@seams/service-kit'
import Type from 'typebox'

export const OrdersConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  USERS_URL: Type.String({ pattern: '^https?://', description: 'Feed of user events (replica of customers)' }),
  CATALOG_URL: Type.String({ pattern: '^https?://' }),
  PAYMENTS_URL: Type.String({ pattern: '^https?://' }),
  // No defaults here: unset, the saga runner's own apply (createSagaRunner's stepTimeoutMs, sagaTimeoutMs and
  // concurrency).
  SAGA_STEP_TIMEOUT_MS: Type.Optional(
    Type.Integer({ minimum: 100, description: "Longest wait for one step's answer" }),
  ),
  SAGA_TIMEOUT_MS: Type.Optional(
    Type.Integer({ minimum: 1000, description: 'A saga still running this long after it started compensates' }),
  ),
  SAGA_CONCURRENCY: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'Sagas this process works on at once' }),
  ),
})
