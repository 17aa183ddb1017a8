import type { AuthorizePaymentRequest, Payment } from '@shop/payments-contracts'
import type { EventEnvelope } from '@seams/core'
import type { Outbox } from '@seams/outbox'
import type { Sql, TransactionSql } from '@seams/service-kit'
import type { PaymentState } from './payment.ts'

type Queryable = Sql | TransactionSql

interface PaymentRow extends Omit<Payment, 'createdAt' | 'updatedAt'> {
  createdAt: Date
  updatedAt: Date
}

const paymentColumns = (sql: Queryable) => sql`
  id, order_id as "orderId", customer_id as "customerId", amount_cents as "amountCents", currency, status,
  failure_reason as "failureReason", version, created_at as "createdAt", updated_at as "updatedAt"`

function toPayment(row: PaymentRow): Payment {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() }
}

export function stateOf(payment: Payment): PaymentState {
  const { orderId, customerId, amountCents, currency } = payment
  return {
    status: payment.status,
    terms: { orderId, customerId, amountCents, currency },
    failureReason: payment.failureReason,
  }
}

/**
 * Claims the payment id (and the order) with a pending row. Undefined when either was taken already:
 * `on conflict do nothing` waits for a racing claim to commit, so exactly one request wins.
 */
export async function insertPendingPayment(
  sql: Queryable,
  request: AuthorizePaymentRequest,
): Promise<Payment | undefined> {
  const [row] = await sql<PaymentRow[]>`
    insert into payments (id, order_id, customer_id, amount_cents, currency, status)
    values (${request.paymentId}, ${request.orderId}, ${request.customerId}, ${request.amountCents},
            ${request.currency}, 'pending')
    on conflict do nothing
    returning ${paymentColumns(sql)}`
  return row === undefined ? undefined : toPayment(row)
}

export async function findPayment(sql: Queryable, id: string): Promise<Payment | undefined> {
  const [row] = await sql<PaymentRow[]>`select ${paymentColumns(sql)} from payments where id = ${id}`
  return row === undefined ? undefined : toPayment(row)
}

export async function findPaymentByOrder(sql: Queryable, orderId: string): Promise<Payment | undefined> {
  const [row] = await sql<PaymentRow[]>`select ${paymentColumns(sql)} from payments where order_id = ${orderId}`
  return row === undefined ? undefined : toPayment(row)
}

/** Reads the payment and holds it until the transaction ends, so concurrent changes apply one at a time. */
export async function lockPayment(tx: TransactionSql, id: string): Promise<Payment | undefined> {
  const [row] = await tx<PaymentRow[]>`select ${paymentColumns(tx)} from payments where id = ${id} for update`
  return row === undefined ? undefined : toPayment(row)
}

/** Writes a locked payment's new status; its terms never change after the claim. */
export async function saveState(
  tx: TransactionSql,
  id: string,
  state: PaymentState,
  version: number,
): Promise<Payment> {
  const [row] = await tx<PaymentRow[]>`
    update payments
    set status = ${state.status}, failure_reason = ${state.failureReason}, version = ${version}, updated_at = now()
    where id = ${id}
    returning ${paymentColumns(tx)}`
  return toPayment(row!)
}

/**
 * Writes a payment's new status with its events in one statement, provided it is still at the version the
 * change was decided on. Undefined when something changed it since: nothing was written.
 */
export async function saveStateAt(
  outbox: Outbox,
  id: string,
  state: PaymentState,
  version: number,
  decidedAt: number,
  events: readonly EventEnvelope[],
): Promise<Payment | undefined> {
  const sql = outbox.sql
  const [row] = await outbox.commitWhen<PaymentRow>(
    sql`
      update payments
      set status = ${state.status}, failure_reason = ${state.failureReason}, version = ${version}, updated_at = now()
      where id = ${id} and version = ${decidedAt}
      returning ${paymentColumns(sql)}`,
    events,
  )
  return row === undefined ? undefined : toPayment(row)
}
