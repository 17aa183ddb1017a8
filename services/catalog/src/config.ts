import { serviceConfigFields } from '@seams/service-kit'
import Type from 'typebox'

export const CatalogConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8082 }),
  ORDERS_URL: Type.String({ pattern: '^https?://', description: 'Feed of order events (cancellations to settle)' }),
  RESERVATION_CALLERS: Type.String({
    default: 'orders',
    description: 'Comma-separated services allowed to reserve and release stock',
  }),
})
