export {
  OrderStatus,
  PaymentStatus,
  OrderHistoryLine,
  OrderHistoryEntry,
  ListOrderHistoryQuery,
  OrderHistoryPage,
  OrderHistoryParams,
} from './http.ts'
export { createOrderHistoryClient } from './client.ts'
export type { OrderHistoryClient, OrderHistoryListOptions } from './client.ts'
export { orderHistoryErrorCodes } from './errors.ts'
export type { OrderHistoryErrorCode } from './errors.ts'
