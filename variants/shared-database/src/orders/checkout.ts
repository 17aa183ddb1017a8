import type { TransactionSql } from '@seams/service-kit'
import type { PlaceOrderRequest } from '@shop/orders-contracts'
import { ProviderUnavailable } from '../../../../services/payments/src/errors.ts'
import { authorizeWithin } from '../../../../services/payments/src/payment-provider/payment-provider.ts'
import type { SimulatedProvider } from '../../../../services/payments/src/payment-provider/simulated-provider.ts'
import {
  changeStock,
  insertOrder,
  insertPayment,
  lockProducts,
  readSimulatorSettings,
  type NewOrder,
} from '../dal/index.ts'

export interface CheckoutDeps {
  provider: SimulatedProvider
  providerTimeoutMs: number
}

export interface CheckoutRequest {
  orderId: string
  paymentId: string
  customerId: string
  items: PlaceOrderRequest['items']
}

/**
 * The whole checkout in the caller's transaction: stock taken from catalog's rows (locked in id order, so
 * concurrent checkouts cannot deadlock), the provider asked while they are held, the order and its payment
 * written. A provider failure throws, and the rollback leaves nothing behind: no compensation is needed,
 * which is the shared database's strength; the locks held through the provider's latency are its cost.
 */
export async function checkOut(tx: TransactionSql, deps: CheckoutDeps, request: CheckoutRequest): Promise<NewOrder> {
  const wanted = new Map<string, number>()
  for (const item of request.items) wanted.set(item.productId, (wanted.get(item.productId) ?? 0) + item.quantity)
  const products = new Map((await lockProducts(tx, [...wanted.keys()].sort())).map((product) => [product.id, product]))
  const base = { id: request.orderId, customerId: request.customerId, paymentId: request.paymentId }
  const refuse = async (reason: string): Promise<NewOrder> => {
    const order: NewOrder = {
      ...base,
      status: 'REJECTED',
      reason,
      currency: null,
      totalCents: null,
      items: request.items.map((item) => ({ ...item, unitPriceCents: null })),
    }
    await insertOrder(tx, order)
    return order
  }
  for (const [productId, quantity] of wanted) {
    const product = products.get(productId)
    if (product === undefined) return refuse(`UNKNOWN_PRODUCT: ${productId}`)
    if (product.stockOnHand < quantity) return refuse(`OUT_OF_STOCK: ${productId}`)
  }
  const currencies = new Set([...products.values()].map((product) => product.currency))
  if (currencies.size !== 1) return refuse(`MIXED_CURRENCIES: ${[...currencies].sort().join(', ')}`)
  const currency = [...currencies][0]!
  const items = request.items.map((item) => ({ ...item, unitPriceCents: products.get(item.productId)!.priceCents }))
  const totalCents = items.reduce((sum, item) => sum + item.unitPriceCents * item.quantity, 0)

  const settings = await readSimulatorSettings(tx)
  if (settings === undefined) throw new ProviderUnavailable('Payments has not set the payment provider up yet')
  deps.provider.configure(settings)
  const decision = await authorizeWithin(
    deps.provider,
    {
      paymentId: request.paymentId,
      orderId: request.orderId,
      customerId: request.customerId,
      amountCents: totalCents,
      currency,
    },
    deps.providerTimeoutMs,
  )
  const order: NewOrder = decision.approved
    ? { ...base, status: 'CONFIRMED', reason: null, currency, totalCents, items }
    : { ...base, status: 'REJECTED', reason: `PAYMENT_DECLINED: ${decision.reason}`, currency, totalCents, items }
  if (decision.approved) await changeStock(tx, new Map([...wanted].map(([id, quantity]) => [id, -quantity])))
  await insertOrder(tx, order)
  await insertPayment(tx, {
    id: request.paymentId,
    orderId: request.orderId,
    customerId: request.customerId,
    amountCents: totalCents,
    currency,
    status: decision.approved ? 'authorized' : 'failed',
    failureReason: decision.approved ? null : decision.reason,
  })
  return order
}
