import { serviceConfigFields } from '@seams/service-kit'
import Type from 'typebox'

export const OrdersConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  USERS_URL: Type.String({ pattern: '^https?://', description: 'Feed of user events (replica of customers)' }),
  CATALOG_URL: Type.String({ pattern: '^https?://' }),
  PAYMENTS_URL: Type.String({ pattern: '^https?://' }),
  SAGA_STEP_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 6000 }),
  SAGA_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  SAGA_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 1000, default: 64 }),
})
