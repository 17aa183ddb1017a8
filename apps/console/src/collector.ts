import type { OperatorCalls } from './operator-calls.ts'
import { histogramOf, parsePrometheusText, quantileBetween, sumOf, type Sample } from './prometheus-text.ts'
import type { ConsumerView, DeadLetterView, EdgeView, Health, HistoryPoint, ServiceView, Snapshot } from './snapshot.ts'

export interface TopologyInput {
  /** Services in start order, with their base URLs. */
  services: readonly { name: string; url: string; database: string | null }[]
  /** Producer → the services that consume its events. */
  eventEdges: readonly { from: string; to: string }[]
  /** Caller → callee, synchronous HTTP. */
  callEdges: readonly { from: string; to: string }[]
  transport: string
}

interface Scrape {
  at: number
  samples: Sample[]
}

interface ServiceState {
  scrapes: Scrape[]
  ready: boolean | null
  reachable: boolean
  consumers: Record<string, OpsConsumer>
  deadLetters: DeadLetterView[]
}

interface OpsConsumer {
  source: string
  events: number
  seconds: number
  failures: number
  paused?: boolean
  refused?: { message: string }
}

/** Why a stream into a service is not ok: its producer refuses it, cannot be read, or it is behind. */
function streamReason(edge: EdgeView, consumers: readonly ConsumerView[]): string {
  const following = consumers.filter((consumer) => consumer.service === edge.to && consumer.source === edge.from)
  const refused = following.find((consumer) => consumer.refused !== null)
  if (refused !== undefined) return `${refused.name} refused: ${refused.refused}`
  const failures = Math.max(0, ...following.map((consumer) => consumer.failures))
  if (failures > 0) return `cannot read the events of ${edge.from} (${failures} failed reads)`
  const paused = following.filter((consumer) => consumer.paused).map((consumer) => consumer.name)
  const behind = `behind ${edge.from} by ${edge.lagEvents} events`
  return paused.length > 0 ? `${behind}, ${paused.join(', ')} paused` : behind
}

/**
 * Requests of the console's own polling, and the consumers' long polls of each feed (`GET /events` waits up to
 * 20 s for events: it would be every service's p99): left out of req/s and p99, which are about the shop's traffic.
 */
const ownRoute = /^(\/health|\/metrics|\/ops|\/simulator|\/events$|unmatched)/
const windowScrapes = 5
const historyLength = 120
const circuitStates = ['closed', 'open', 'half-open', 'isolated']
/** Consumer lag from which an edge turns amber. */
export const lagWarning = { events: 20, seconds: 5 }

/**
 * Polls every service once a second through the operator's calls: readiness, `/metrics` and `/ops/events`
 * (and dead letters every few seconds), and turns them into what the console shows. Nothing here reads a
 * database: what a service does not tell its operator, the console does not know.
 */
export function createCollector(options: {
  topology: TopologyInput
  calls: OperatorCalls
  /** Whether the launcher runs a process of the service now. */
  isRunning: (service: string) => boolean
  intervalMs?: number
}) {
  const { topology, calls } = options
  const states = new Map<string, ServiceState>(
    topology.services.map((service) => [
      service.name,
      { scrapes: [], ready: null, reachable: false, consumers: {}, deadLetters: [] },
    ]),
  )
  const history: HistoryPoint[] = []
  // A paused consumer's own lag stops moving with it: from its producer's relay the console counts what it missed.
  const pausedAt = new Map<string, { lag: number; producerStamped: number }>()
  let simulator: Snapshot['simulator'] = null
  let rebuilds: Snapshot['rebuilds'] = {}
  let latest: Snapshot | undefined
  let round = 0
  let timer: NodeJS.Timeout | undefined
  const listeners = new Set<(snapshot: Snapshot) => void>()
  let extras: () => Pick<Snapshot, 'actions'> = () => ({ actions: [] })

  async function pollService(name: string, state: ServiceState, slow: boolean): Promise<void> {
    const [ready, metrics, events, letters] = await Promise.allSettled([
      // The gateway's readiness is the whole shop's (one check per upstream): its own state is its liveness.
      calls.call<{ status: string }>(name, 'GET', name === 'gateway' ? '/health/live' : '/health/ready'),
      calls.metrics(name),
      name === 'gateway'
        ? Promise.resolve(undefined)
        : calls.call<{ consumers: Record<string, OpsConsumer> }>(name, 'GET', '/ops/events'),
      slow && name !== 'gateway'
        ? calls.call<{ deadLetters: Omit<DeadLetterView, 'service'>[] }>(
            name,
            'GET',
            '/ops/dead-letters?includeResolved=true',
          )
        : Promise.resolve(undefined),
    ])
    state.reachable = ready.status === 'fulfilled'
    state.ready =
      ready.status === 'fulfilled'
        ? ['ready', 'live'].includes(ready.value.body?.status ?? '')
        : state.ready === null
          ? null
          : false
    if (metrics.status === 'fulfilled') {
      state.scrapes.push({ at: Date.now(), samples: parsePrometheusText(metrics.value) })
      if (state.scrapes.length > windowScrapes) state.scrapes.shift()
    } else if (!state.reachable) state.scrapes = []
    if (events.status === 'fulfilled' && events.value !== undefined && events.value.status === 200)
      state.consumers = events.value.body.consumers
    if (letters.status === 'fulfilled' && letters.value !== undefined && letters.value.status === 200)
      state.deadLetters = letters.value.body.deadLetters.map((letter) => ({ ...letter, service: name }))
  }

  async function pollExtras(): Promise<void> {
    const answer = await calls
      .call<NonNullable<Snapshot['simulator']>>('payments', 'GET', '/simulator')
      .catch(() => undefined)
    simulator = answer?.status === 200 ? answer.body : null
    const found: Snapshot['rebuilds'] = {}
    for (const [service, projection] of readModels) {
      const state = await calls
        .call<{ running: boolean; error: string | null }>(service, 'GET', `/ops/projections/${projection}/rebuild`)
        .catch(() => undefined)
      const previous = rebuilds[`${service}.${projection}`] ?? null
      found[`${service}.${projection}`] =
        state?.status === 200
          ? {
              running: state.body.running,
              error: state.body.error,
              finishedAt: state.body.running ? null : (previous?.finishedAt ?? new Date().toISOString()),
            }
          : previous
    }
    rebuilds = found
  }

  async function poll(): Promise<void> {
    const slow = round % 2 === 0
    round += 1
    await Promise.all([
      ...[...states].map(([name, state]) => pollService(name, state, slow)),
      slow ? pollExtras() : Promise.resolve(),
    ])
    latest = build(true)
    for (const listener of listeners) listener(latest)
  }

  function rate(state: ServiceState, name: string, where: Record<string, string> = {}, keep?: (s: Sample) => boolean) {
    const first = state.scrapes[0]
    const last = state.scrapes[state.scrapes.length - 1]
    if (first === undefined || last === undefined || first === last) return 0
    const pick = (scrape: Scrape) =>
      keep === undefined ? sumOf(scrape.samples, name, where) : sumOf(scrape.samples.filter(keep), name, where)
    return Math.max(0, (pick(last) - pick(first)) / ((last.at - first.at) / 1000))
  }

  function serviceView(service: TopologyInput['services'][number]): ServiceView {
    const state = states.get(service.name)!
    const first = state.scrapes[0]
    const last = state.scrapes[state.scrapes.length - 1]
    const shopTraffic = (sample: Sample) => !ownRoute.test(sample.labels['route'] ?? '')
    const requestsPerSecond = rate(state, 'http_server_request_duration_seconds_count', {}, shopTraffic)
    let p99Ms: number | null = null
    if (first !== undefined && last !== undefined && first !== last) {
      const histogram = (scrape: Scrape) =>
        histogramOf(scrape.samples.filter(shopTraffic), 'http_server_request_duration_seconds')
      const p99 = quantileBetween(histogram(first), histogram(last), 0.99)
      p99Ms = p99 === undefined ? null : Math.round(p99 * 10000) / 10
    }
    const breakers: Record<string, string> = {}
    for (const sample of last?.samples ?? [])
      if (sample.name === 'http_client_circuit_state' && sample.labels['dependency'] !== undefined)
        breakers[sample.labels['dependency']] = circuitStates[sample.value] ?? String(sample.value)
    const backlog = last?.samples.some((sample) => sample.name === 'outbox_backlog_events')
      ? sumOf(last.samples, 'outbox_backlog_events')
      : null
    const running = options.isRunning(service.name)
    const reasons: string[] = []
    if (!running) reasons.push('stopped')
    else if (!state.reachable) reasons.push('not answering')
    else if (state.ready === false) reasons.push('not ready')
    return {
      name: service.name,
      url: service.url,
      ready: state.ready,
      reachable: state.reachable,
      health: reasons.length > 0 ? 'down' : 'ok',
      reasons,
      requestsPerSecond: Math.round(requestsPerSecond * 10) / 10,
      p99Ms,
      cpuPercent: Math.round(rate(state, 'process_cpu_seconds_total') * 1000) / 10,
      breakers,
      outboxBacklog: backlog,
      database: service.database,
      running,
    }
  }

  function consumerViews(): ConsumerView[] {
    const views: ConsumerView[] = []
    for (const [service, state] of states) {
      for (const [name, consumer] of Object.entries(state.consumers)) {
        const producer = states.get(consumer.source)
        const producerStamped = sumOf(producer?.scrapes.at(-1)?.samples ?? [], 'outbox_relay_events_total')
        let lagEvents = consumer.events
        if (consumer.paused === true) {
          const since = pausedAt.get(name) ?? { lag: consumer.events, producerStamped }
          pausedAt.set(name, since)
          lagEvents = since.lag + Math.max(0, producerStamped - since.producerStamped)
        } else pausedAt.delete(name)
        views.push({
          name,
          service,
          source: consumer.source,
          lagEvents,
          lagSeconds: consumer.seconds,
          eventsPerSecond:
            Math.round(rate(state, 'consumer_events_total', { consumer: name, outcome: 'applied' }) * 10) / 10,
          failures: consumer.failures,
          paused: consumer.paused === true,
          refused: consumer.refused?.message ?? null,
        })
      }
    }
    return views
  }

  function build(record: boolean): Snapshot {
    const services = topology.services.map(serviceView)
    const consumers = consumerViews()
    const byName = new Map(services.map((service) => [service.name, service]))
    const edges: EdgeView[] = [
      ...topology.eventEdges.map((edge): EdgeView => {
        const following = consumers.filter((consumer) => consumer.service === edge.to && consumer.source === edge.from)
        const lagEvents = Math.max(0, ...following.map((consumer) => consumer.lagEvents))
        const lagSeconds = Math.max(0, ...following.map((consumer) => consumer.lagSeconds))
        const health: Health = following.some((consumer) => consumer.refused !== null || consumer.failures > 0)
          ? 'down'
          : following.some((consumer) => consumer.paused) ||
              lagEvents >= lagWarning.events ||
              lagSeconds >= lagWarning.seconds
            ? 'warning'
            : 'ok'
        return {
          kind: 'events',
          ...edge,
          health,
          consumers: following.map((consumer) => consumer.name),
          eventsPerSecond: Math.round(following.reduce((sum, consumer) => sum + consumer.eventsPerSecond, 0) * 10) / 10,
          lagEvents,
          lagSeconds,
        }
      }),
      ...topology.callEdges.map((edge): EdgeView => {
        const breaker = byName.get(edge.from)?.breakers[edge.to]
        const health: Health =
          breaker === 'open' || breaker === 'isolated' ? 'down' : breaker === 'half-open' ? 'warning' : 'ok'
        return { kind: 'call', ...edge, health, consumers: [], eventsPerSecond: 0, lagEvents: 0, lagSeconds: 0 }
      }),
    ]
    // A service others cannot reach through an open breaker, or whose consumers fall behind, is amber.
    for (const service of services) {
      if (service.health === 'down') continue
      for (const edge of edges) {
        if (edge.kind === 'call' && edge.to === service.name && edge.health !== 'ok')
          service.reasons.push(`breaker of ${edge.from} is ${byName.get(edge.from)?.breakers[service.name]}`)
        if (edge.kind === 'events' && edge.to === service.name && edge.health !== 'ok')
          service.reasons.push(streamReason(edge, consumers))
      }
      if (service.reasons.length > 0) service.health = 'warning'
    }
    // A stopped service shows its open breakers too: the callers' side of the same fault.
    for (const service of services)
      for (const edge of edges)
        if (service.health === 'down' && edge.kind === 'call' && edge.to === service.name && edge.health === 'down')
          service.reasons.push(`breaker of ${edge.from} is ${byName.get(edge.from)?.breakers[service.name]}`)
    if (record)
      history.push({
        t: Date.now(),
        requestsPerSecond: Object.fromEntries(services.map((service) => [service.name, service.requestsPerSecond])),
        lagEvents: Object.fromEntries(consumers.map((consumer) => [consumer.name, consumer.lagEvents])),
      })
    if (history.length > historyLength) history.shift()
    return {
      at: new Date().toISOString(),
      transport: topology.transport,
      services,
      edges,
      consumers,
      deadLetters: [...states.values()]
        .flatMap((state) => state.deadLetters)
        .sort((a, b) => b.deadAt.localeCompare(a.deadAt)),
      simulator,
      rebuilds,
      history,
      ...extras(),
    }
  }

  const readModels: [string, string][] = []

  return {
    /** Read models whose last rebuild to show, as [service, projection]. */
    watchRebuilds(models: readonly [string, string][]) {
      readModels.splice(0, readModels.length, ...models)
    },
    withExtras(source: () => Pick<Snapshot, 'actions'>) {
      extras = source
    },
    start() {
      const tick = () => {
        poll()
          .catch(() => {})
          .finally(() => (timer = setTimeout(tick, options.intervalMs ?? 1000)))
      }
      tick()
    },
    stop() {
      clearTimeout(timer)
      listeners.clear()
    },
    /** The newest snapshot, rebuilt now (actions and running state change between polls). */
    snapshot: (): Snapshot | undefined => (latest === undefined ? undefined : build(false)),
    /** Polls now instead of waiting for the next round, e.g. right after a fault action. */
    refresh: () => poll(),
    subscribe(listener: (snapshot: Snapshot) => void): () => void {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export type Collector = ReturnType<typeof createCollector>
