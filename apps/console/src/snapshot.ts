// What the console API pushes to the browser, once a second: types only, shared with the web app.

export type Health = 'ok' | 'warning' | 'down'

export interface ConsumerView {
  /** Durable name, e.g. `order-history.order_history.orders`. */
  name: string
  service: string
  source: string
  lagEvents: number
  lagSeconds: number
  /** Events applied per second over the last few seconds. */
  eventsPerSecond: number
  failures: number
  paused: boolean
  refused: string | null
}

export interface ServiceView {
  name: string
  url: string
  /** Whether its own /health/ready says ready; null while it has not answered since the console started. */
  ready: boolean | null
  reachable: boolean
  health: Health
  /** Why it is amber or red, in words. */
  reasons: string[]
  requestsPerSecond: number
  /** Of the requests in the last few seconds (health, metrics and ops routes left out), in milliseconds. */
  p99Ms: number | null
  cpuPercent: number
  /** Circuit breakers of its clients, by dependency: closed, open, half-open, isolated. */
  breakers: Record<string, string>
  /** Events written but not yet stamped into the feed (the outbox backlog). */
  outboxBacklog: number | null
  database: string | null
  /** Whether a process of it is running under the launcher (false after a stop from the console). */
  running: boolean
}

export interface EdgeView {
  kind: 'events' | 'call'
  from: string
  to: string
  health: Health
  /** Events edges: the consumers of `to` that follow `from`. */
  consumers: string[]
  eventsPerSecond: number
  lagEvents: number
  lagSeconds: number
}

export interface DeadLetterView {
  id: number
  service: string
  consumer: string
  type: string
  subject: string
  error: string
  attempts: number
  deadAt: string
  resolvedAt: string | null
}

export interface ActionView {
  at: string
  /** The admin who asked, by email. */
  by: string
  action: string
  target: string
  outcome: 'done' | 'failed'
  detail?: string
}

export interface HistoryPoint {
  t: number
  requestsPerSecond: Record<string, number>
  lagEvents: Record<string, number>
}

export interface Snapshot {
  at: string
  transport: string
  services: ServiceView[]
  edges: EdgeView[]
  consumers: ConsumerView[]
  deadLetters: DeadLetterView[]
  simulator: { latencyMs: number; jitterMs: number; declineRate: number; errorRate: number; hangRate: number } | null
  rebuilds: Record<string, { running: boolean; error: string | null; finishedAt: string | null } | null>
  actions: ActionView[]
  history: HistoryPoint[]
}

export interface TimelineEntry {
  at: string
  kind: 'saga' | 'compensation' | 'event' | 'applied' | 'order'
  owner: string
  title: string
  detail?: string
  /** From the previous saga step (saga steps), or from the event's creation (applied). */
  durationMs?: number
}

export interface OrderTimeline {
  orderId: string
  status: string | null
  sagaStatus: string | null
  entries: TimelineEntry[]
}
