export {
  OrderStatus,
  PlaceOrderRequest,
  IdempotencyKeyHeaders,
  OrderAccepted,
  OrderLine,
  Order,
  ListOrdersQuery,
  OrderPage,
  IdParams,
} from './http.ts'
export { OrderPlacedV1, OrderConfirmedV1, OrderRejectedV1, OrderCancelledV1, ordersEvents } from './events.ts'
export { createOrdersClient } from './client.ts'
export type { OrdersClient } from './client.ts'
export { ordersErrorCodes } from './errors.ts'
export type { OrdersErrorCode } from './errors.ts'
