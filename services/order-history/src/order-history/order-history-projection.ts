import type { DeliveredEvent } from '@seams/core'
import { on } from '@seams/inbox'
import { defineProjection } from '@seams/projector'
import type { TransactionSql } from '@seams/service-kit'
import { OrderCancelledV1, OrderConfirmedV1, OrderPlacedV1, OrderRejectedV1 } from '@shop/orders-contracts'
import {
  PaymentAuthorizedV1,
  PaymentCapturedV1,
  PaymentFailedV1,
  PaymentRefundedV1,
  PaymentVoidedV1,
} from '@shop/payments-contracts'
import { mergeOrderFact, mergePaymentFact, type OrderFact, type PaymentFact } from './history-entry.ts'
import { cancelledFact, confirmedFact, paymentFact, placedFact, rejectedFact } from './history-facts.ts'
import { applyToEntry, createOrderHistoryTable } from './order-history-store.ts'
import { historyTables } from '../replicas/history-replica-store.ts'

const applyOrder = (tx: TransactionSql, table: string, fact: OrderFact) =>
  applyToEntry(tx, table, fact.orderId, (row) => mergeOrderFact(row, fact))
const applyPayment = (tx: TransactionSql, table: string, fact: PaymentFact) =>
  applyToEntry(tx, table, fact.orderId, (row) => mergePaymentFact(row, fact))

// Every event of either source writes its order's entry and nothing else: batches go in order-id order.
const orderIdOf = (event: DeliveredEvent) => String((event.data as { orderId?: unknown }).orderId ?? '')

/**
 * One row per order, fed by two producers: orders write the order part, payments the payment part,
 * each gated by its own aggregate version, in whatever order the two feeds deliver them.
 */
export const orderHistory = defineProjection({
  name: historyTables.orders,
  createTable: createOrderHistoryTable,
  sources: [
    {
      source: 'orders',
      rowKey: orderIdOf,
      handlers: (table) => [
        on(OrderPlacedV1, (tx, event) => applyOrder(tx, table, placedFact(event))),
        on(OrderConfirmedV1, (tx, event) => applyOrder(tx, table, confirmedFact(event))),
        on(OrderRejectedV1, (tx, event) => applyOrder(tx, table, rejectedFact(event))),
        on(OrderCancelledV1, (tx, event) => applyOrder(tx, table, cancelledFact(event))),
      ],
    },
    {
      source: 'payments',
      rowKey: orderIdOf,
      handlers: (table) =>
        [PaymentAuthorizedV1, PaymentFailedV1, PaymentCapturedV1, PaymentVoidedV1, PaymentRefundedV1].map((contract) =>
          on(contract, (tx, event) => applyPayment(tx, table, paymentFact(event))),
        ),
    },
  ],
})
