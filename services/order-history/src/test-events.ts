import { ProductAddedV1, ProductChangedV1 } from '@shop/catalog-contracts'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1 } from '@shop/orders-contracts'
import { PaymentAuthorizedV1, PaymentCapturedV1, PaymentRefundedV1 } from '@shop/payments-contracts'
import { UserProfileChangedV1, UserRegisteredV1 } from '@shop/users-contracts'
import { event, type TestUser } from './order-history-test-app.ts'

// For integration specs: the producers' events, written with their published contracts. Versions have
// gaps, as the producers' do when a change publishes nothing (an order's cancel request, a pending payment).
export const registered = (user: TestUser, name: string) =>
  event(UserRegisteredV1, user.id, 1, { userId: user.id, email: `${user.id}@example.test`, name, role: user.role })
export const profileChanged = (user: TestUser, name: string, version: number) =>
  event(UserProfileChangedV1, user.id, version, { userId: user.id, email: `${user.id}@example.test`, name })
const product = { sku: 'SKU', description: '', priceCents: 1500, currency: 'EUR' }
export const productAdded = (productId: string, name: string) =>
  event(ProductAddedV1, productId, 1, { ...product, productId, name, stockOnHand: 10 })
export const productChanged = (productId: string, name: string, version: number) =>
  event(ProductChangedV1, productId, version, { ...product, productId, name })
export const placed = (orderId: string, customer: TestUser, productIds: readonly string[], at = new Date()) =>
  event(
    OrderPlacedV1,
    orderId,
    1,
    { orderId, customerId: customer.id, items: productIds.map((productId) => ({ productId, quantity: 2 })) },
    at,
  )
export const confirmed = (orderId: string, customer: TestUser, paymentId: string, productId: string) =>
  event(OrderConfirmedV1, orderId, 3, {
    orderId,
    customerId: customer.id,
    items: [{ productId, quantity: 2, unitPriceCents: 1500 }],
    totalCents: 3000,
    currency: 'EUR',
    paymentId,
  })
export const cancelled = (orderId: string, customer: TestUser, paymentId: string) =>
  event(OrderCancelledV1, orderId, 5, {
    orderId,
    customerId: customer.id,
    reason: 'changed my mind',
    paymentId,
    settlement: 'orchestrated',
  })
const terms = (orderId: string, customer: TestUser, paymentId: string) => ({
  paymentId,
  orderId,
  customerId: customer.id,
  amountCents: 3000,
  currency: 'EUR',
})
export const authorized = (orderId: string, customer: TestUser, paymentId: string) =>
  event(PaymentAuthorizedV1, paymentId, 2, { ...terms(orderId, customer, paymentId), status: 'authorized' })
export const captured = (orderId: string, customer: TestUser, paymentId: string) =>
  event(PaymentCapturedV1, paymentId, 3, { ...terms(orderId, customer, paymentId), status: 'captured' })
export const refunded = (orderId: string, customer: TestUser, paymentId: string) =>
  event(PaymentRefundedV1, paymentId, 4, { ...terms(orderId, customer, paymentId), status: 'refunded' })
