import type { OperatorCalls } from './operator-calls.ts'
import type { OrderTimeline, TimelineEntry } from './snapshot.ts'

interface OutboxEvent {
  eventId: string
  type: string
  subject: string
  createdAt: string
  data: Record<string, unknown> | null
}

interface Saga {
  id: string
  type: string
  status: string
  failure: string | null
  data: { paymentId?: string; items?: { productId: string }[] }
  createdAt: string
  steps: { step: string; direction: string; outcome: string; detail: string | null; at: string }[]
}

const statusAfter: Record<string, string> = {
  'orders.OrderPlaced': 'PENDING',
  'orders.OrderConfirmed': 'CONFIRMED',
  'orders.OrderRejected': 'REJECTED',
  'orders.OrderCancelled': 'CANCELLED',
}

const ms = (from: string, to: string) => Math.max(0, new Date(to).getTime() - new Date(from).getTime())

async function outbox(calls: OperatorCalls, service: string, query: URLSearchParams): Promise<OutboxEvent[]> {
  const answer = await calls
    .call<{ events: OutboxEvent[] }>(service, 'GET', `/ops/outbox?${query}`)
    .catch(() => undefined)
  return answer?.status === 200 ? answer.body.events : []
}

/**
 * One order followed across its owners, from what each tells its operator: orders' checkout saga and its
 * steps, the events orders, payments and catalog wrote for it, and when each consumer (orders' replicas,
 * order-history, ...) applied them, from their inboxes.
 */
export async function orderTimeline(
  calls: OperatorCalls,
  orderId: string,
  consumerServices: readonly string[],
): Promise<OrderTimeline> {
  const sagaAnswer = await calls.call<Saga>('orders', 'GET', `/ops/sagas/${orderId}`).catch(() => undefined)
  const saga = sagaAnswer?.status === 200 ? sagaAnswer.body : undefined
  const productIds = [...new Set((saga?.data.items ?? []).map((item) => item.productId))]
  const [orderEvents, paymentEvents, stockEvents] = await Promise.all([
    outbox(calls, 'orders', new URLSearchParams({ subject: orderId })),
    saga?.data.paymentId === undefined
      ? Promise.resolve([])
      : outbox(calls, 'payments', new URLSearchParams({ subject: saga.data.paymentId })),
    productIds.length === 0
      ? Promise.resolve([])
      : outbox(
          calls,
          'catalog',
          new URLSearchParams([
            ['type', 'catalog.StockChanged'],
            ['limit', '200'],
            ...productIds.map((id): [string, string] => ['subject', id]),
          ]),
        ),
  ])
  // The order's id is its reservation's: catalog's stock changes for it name it.
  const produced = [
    ...orderEvents.map((event) => ({ ...event, owner: 'orders' })),
    ...paymentEvents.map((event) => ({ ...event, owner: 'payments' })),
    ...stockEvents
      .filter((event) => event.data?.['reservationId'] === orderId)
      .map((event) => ({ ...event, owner: 'catalog' })),
  ]
  const entries: TimelineEntry[] = []
  if (saga !== undefined) {
    entries.push({ at: saga.createdAt, kind: 'saga', owner: 'orders', title: `${saga.type} saga begun` })
    let previous = saga.createdAt
    for (const step of saga.steps) {
      entries.push({
        at: step.at,
        kind: step.direction === 'compensate' ? 'compensation' : 'saga',
        owner: 'orders',
        title: `${step.direction === 'compensate' ? 'undo ' : ''}${step.step}: ${step.outcome}`,
        detail: step.detail ?? undefined,
        durationMs: ms(previous, step.at),
      })
      previous = step.at
    }
  }
  for (const event of produced)
    entries.push({ at: event.createdAt, kind: 'event', owner: event.owner, title: event.type, detail: event.subject })
  const byId = new Map(produced.map((event) => [event.eventId, event]))
  if (produced.length > 0) {
    const query = new URLSearchParams(produced.map((event): [string, string] => ['eventId', event.eventId]))
    const answers = await Promise.all(
      consumerServices.map((service) =>
        calls
          .call<{ applied: { consumer: string; eventId: string; processedAt: string }[] }>(
            service,
            'GET',
            `/ops/inbox?${query}`,
          )
          .then((answer) => ({ service, applied: answer.status === 200 ? answer.body.applied : [] }))
          .catch(() => ({ service, applied: [] })),
      ),
    )
    for (const { service, applied } of answers)
      for (const row of applied) {
        const event = byId.get(row.eventId)!
        entries.push({
          at: row.processedAt,
          kind: 'applied',
          owner: service,
          title: `${row.consumer} applied ${event.type}`,
          durationMs: ms(event.createdAt, row.processedAt),
        })
      }
  }
  entries.sort((a, b) => a.at.localeCompare(b.at))
  // The outbox lists the newest first.
  const newest = orderEvents.find((event) => statusAfter[event.type] !== undefined)
  return {
    orderId,
    status: newest === undefined ? null : statusAfter[newest.type]!,
    sagaStatus: saga?.status ?? null,
    entries,
  }
}
