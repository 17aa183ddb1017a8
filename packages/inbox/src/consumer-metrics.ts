import type { ConsumerLag } from '@seams/core'
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface ConsumerMetrics {
  events: Counter<'consumer' | 'outcome'>
  retries: Counter<'consumer'>
  propagation: Histogram<'consumer'>
  /** Lag gauges read each registered consumer at scrape time. */
  register(consumer: string, lag: () => ConsumerLag): void
}

const byRegistry = new WeakMap<Registry, ConsumerMetrics>()

export function consumerMetrics(registry: Registry): ConsumerMetrics {
  const existing = byRegistry.get(registry)
  if (existing !== undefined) return existing
  const lags = new Map<string, () => ConsumerLag>()
  new Gauge({
    name: 'consumer_lag_events',
    help: 'Events the producer has published that this consumer has not applied yet',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      for (const [consumer, lag] of lags) this.set({ consumer }, lag().events)
    },
  })
  new Gauge({
    name: 'consumer_lag_seconds',
    help: 'Age of the oldest event this consumer has not applied yet',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      for (const [consumer, lag] of lags) this.set({ consumer }, lag().seconds)
    },
  })
  new Gauge({
    name: 'consumer_source_read_failures',
    help: 'Consecutive failed reads of the producer this consumer follows; 0 while it answers',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      for (const [consumer, lag] of lags) this.set({ consumer }, lag().failures)
    },
  })
  new Gauge({
    name: 'consumer_refused',
    help:
      '1 while this consumer refuses to go on because the events after its position were removed at the producer ' +
      '(retention, a purge)',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      for (const [consumer, lag] of lags) this.set({ consumer }, lag().refused === undefined ? 0 : 1)
    },
  })
  const metrics: ConsumerMetrics = {
    events: new Counter({
      name: 'consumer_events_total',
      help: 'Events by outcome: applied, duplicate, dead_lettered',
      labelNames: ['consumer', 'outcome'],
      registers: [registry],
    }),
    retries: new Counter({
      name: 'consumer_retries_total',
      help: 'Handler attempts that failed and were retried',
      labelNames: ['consumer'],
      registers: [registry],
    }),
    propagation: new Histogram({
      name: 'consumer_propagation_seconds',
      help: "From the event's creation at its producer to the commit of its effects here",
      labelNames: ['consumer'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    register: (consumer, lag) => lags.set(consumer, lag),
  }
  byRegistry.set(registry, metrics)
  return metrics
}
