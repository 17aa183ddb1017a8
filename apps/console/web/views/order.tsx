import { useEffect, useState } from 'preact/hooks'
import type { OrderTimeline, Snapshot, TimelineEntry } from '../../src/snapshot.ts'
import type { Api } from '../api.ts'
import { ActionButton, Announcer, formatMs, shortId } from './common.tsx'

const finalStatuses = new Set(['CONFIRMED', 'REJECTED', 'CANCELLED'])
const kindWord: Record<TimelineEntry['kind'], string> = {
  saga: 'saga step',
  compensation: 'undo',
  event: 'event',
  applied: 'applied',
  order: 'order',
}

/** Where each read model applied the order's events: the latest application per consumer, after its event. */
function applications(timeline: OrderTimeline): { consumer: string; owner: string; ms: number; count: number }[] {
  const byConsumer = new Map<string, { consumer: string; owner: string; ms: number; count: number }>()
  for (const entry of timeline.entries) {
    if (entry.kind !== 'applied') continue
    const consumer = entry.title.split(' applied ')[0]!
    const known = byConsumer.get(consumer)
    byConsumer.set(consumer, {
      consumer,
      owner: entry.owner,
      ms: Math.max(known?.ms ?? 0, entry.durationMs ?? 0),
      count: (known?.count ?? 0) + 1,
    })
  }
  return [...byConsumer.values()]
}

export function OrderView({ snapshot, client }: { snapshot: Snapshot; client: Api }) {
  const [orderId, setOrderId] = useState<string | undefined>(
    () => sessionStorage.getItem('seams-console-order') ?? undefined,
  )
  const [timeline, setTimeline] = useState<OrderTimeline | undefined>()
  const [recent, setRecent] = useState<{ orderId: string; placedAt: string }[]>([])
  const [error, setError] = useState<string | undefined>()

  const follow = (id: string) => {
    sessionStorage.setItem('seams-console-order', id)
    setTimeline(undefined)
    setOrderId(id)
  }
  useEffect(() => {
    client.recentOrders().then(
      (answer) => setRecent(answer.orders),
      () => setRecent([]),
    )
  }, [orderId])
  // Each snapshot (a second apart) refreshes the timeline until the order and its read models have settled.
  useEffect(() => {
    if (orderId === undefined) return
    const settled =
      timeline?.orderId === orderId &&
      finalStatuses.has(timeline.status ?? '') &&
      timeline.sagaStatus !== 'running' &&
      timeline.sagaStatus !== 'compensating' &&
      applications(timeline).some((entry) => entry.owner === 'order-history')
    if (settled) return
    client.timeline(orderId).then(
      (answer) => {
        setTimeline(answer)
        setError(undefined)
      },
      (failure: Error) => setError(failure.message),
    )
  }, [orderId, snapshot.at])

  const first = timeline?.entries[0]?.at
  const offset = (at: string) => (first === undefined ? 0 : new Date(at).getTime() - new Date(first).getTime())
  return (
    <section aria-labelledby="order-title">
      <h1 id="order-title">Follow an order</h1>
      <div class="toolbar">
        <ActionButton
          label="Place an order"
          onAction={async () => {
            const placed = await client.placeOrder()
            follow(placed.orderId)
          }}
        />
        <label>
          or pick a recent one{' '}
          <select
            value={orderId ?? ''}
            onChange={(event) => {
              const value = (event.currentTarget as HTMLSelectElement).value
              if (value !== '') follow(value)
            }}
          >
            <option value="">–</option>
            {recent.map((order) => (
              <option key={order.orderId} value={order.orderId}>
                {shortId(order.orderId)} · {new Date(order.placedAt).toLocaleTimeString()}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Announcer />
      {error !== undefined && <p class="error">{error}</p>}
      {orderId !== undefined && timeline !== undefined && (
        <>
          <h2>
            Order <code>{shortId(timeline.orderId)}</code>:{' '}
            <span class={`status ${timeline.status ?? 'unknown'}`} data-testid="order-status">
              {timeline.status ?? 'unknown'}
            </span>{' '}
            <span class="muted">(saga {timeline.sagaStatus ?? 'not found'})</span>
          </h2>
          <h3>Read models</h3>
          <div class="scroll">
            <table data-testid="read-models">
              <thead>
                <tr>
                  <th scope="col">consumer</th>
                  <th scope="col">owner</th>
                  <th scope="col">events applied</th>
                  <th scope="col">applied after</th>
                </tr>
              </thead>
              <tbody>
                {applications(timeline).map((row) => (
                  <tr key={row.consumer} data-owner={row.owner}>
                    <th scope="row">{row.consumer}</th>
                    <td>{row.owner}</td>
                    <td>{row.count}</td>
                    <td data-testid="applied-after">{formatMs(row.ms)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Timeline</h3>
          <ol class="timeline" data-testid="timeline">
            {timeline.entries.map((entry, index) => (
              <li key={index} class={entry.kind}>
                <span class="offset">+{offset(entry.at)} ms</span>
                <span class={`kind ${entry.kind}`}>{kindWord[entry.kind]}</span>
                <span class="owner">{entry.owner}</span>
                <span class="what">{entry.title}</span>
                {entry.durationMs !== undefined && (
                  <span class="duration">
                    {entry.kind === 'applied' ? 'after ' : 'took '}
                    {formatMs(entry.durationMs)}
                  </span>
                )}
                {entry.detail !== undefined && entry.kind !== 'event' && <span class="detail">{entry.detail}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
      {orderId === undefined && <p>Place an order, or pick one, to see it cross its owners.</p>}
    </section>
  )
}
