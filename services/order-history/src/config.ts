import { serviceConfigFields } from '@seams/service-kit'
import Type from 'typebox'

export const OrderHistoryConfig = Type.Object({
  ...serviceConfigFields,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8085 }),
  // Feeds only: this service never calls another synchronously, so it keeps answering while they are down.
  ORDERS_URL: Type.String({
    pattern: '^https?://',
    description: 'Feed of order events (the order part of each entry)',
  }),
  PAYMENTS_URL: Type.String({
    pattern: '^https?://',
    description: 'Feed of payment events (the payment part of each entry)',
  }),
  USERS_URL: Type.String({ pattern: '^https?://', description: 'Feed of user events (customer names)' }),
  CATALOG_URL: Type.String({ pattern: '^https?://', description: 'Feed of product events (product names)' }),
})
