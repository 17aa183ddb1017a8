import type { FaultPointName } from '@seams/core'
import type { ServiceName } from '@shop/launcher'
import { randomKnobs, type Fault, type ProxiedLink } from './scenario-plan.ts'
import type { SeededRandom } from './seeded-random.ts'

/** The scenarios of the fault suite (ARCHITECTURE.md, Failure model), each a fault under the same order load. */
export const scenarioIds = ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F8', 'F9', 'F10'] as const
export type ScenarioId = (typeof scenarioIds)[number]

export interface ScenarioInfo {
  title: string
  /** It needs a PostgreSQL of the run's own: it kills the server. */
  ownPostgres?: boolean
  /** It acts on the broker, so it means something on JetStream only. */
  jetstreamOnly?: boolean
  /** Connections routed through a fault proxy for the whole run. */
  proxies?: readonly ProxiedLink[]
}

export const scenarios: Record<ScenarioId, ScenarioInfo> = {
  F1: { title: 'SIGKILL of each service in turn, some at delivery-protocol and saga fault points' },
  F2: { title: "kill -9 of the shop's PostgreSQL postmaster, restarted mid-load", ownPostgres: true },
  F3: { title: 'kill -9 of the nats-server, restarted mid-load', jetstreamOnly: true },
  F4: {
    title: 'network faults (latency, blackhole, reset) between services and their databases, and between services',
    proxies: ['orders-db', 'catalog-db', 'payments-db', 'orders->catalog', 'orders->payments'],
  },
  F5: { title: 'slow dependencies: payments answering in 2 s, catalog at the deadline', proxies: ['orders->catalog'] },
  F6: { title: "duplicate storms: every consumer's cursor moved back, events delivered again" },
  F8: { title: "long-running transactions holding rows in producers' databases while the relays run" },
  F9: { title: "clock skew: one service's wall clock 5 minutes off for most of the load, then put right" },
  F10: {
    title: 'power cut: every process SIGKILLed at once (services, PostgreSQL, nats-server), then recovery',
    ownPostgres: true,
  },
}

export function isScenarioId(text: string): text is ScenarioId {
  return (scenarioIds as readonly string[]).includes(text)
}

// Where each service may die in F1: its delivery-protocol points, and for orders every saga step and compensation.
const protocolPoints: FaultPointName[] = ['outbox.committed', 'relay.published', 'consumer.applied']
const killPoints: Record<Exclude<ServiceName, 'gateway'>, FaultPointName[]> = {
  users: ['outbox.committed', 'relay.published'],
  catalog: protocolPoints,
  payments: protocolPoints,
  'order-history': ['consumer.applied'],
  orders: [
    ...protocolPoints,
    'saga.step-done:checkout:reserve-stock',
    'saga.step-done:checkout:authorize-payment',
    'saga.step-done:checkout:confirm-order',
    'saga.compensation-done:checkout:reserve-stock',
    'saga.compensation-done:checkout:authorize-payment',
    'saga.step-done:cancellation:settle-payment',
    'saga.step-done:cancellation:release-stock',
    'saga.step-done:cancellation:mark-cancelled',
  ],
}

type Timed = { atMs: number; fault: Fault }

/** `count` consecutive slots over 5–85 % of the load window, each with its start and length. */
function slots(loadMs: number, count: number): { startMs: number; lengthMs: number }[] {
  const lengthMs = (loadMs * 0.8) / count
  return Array.from({ length: count }, (_, index) => ({ startMs: loadMs * 0.05 + index * lengthMs, lengthMs }))
}

const at = (ms: number) => Math.round(ms)

/** A payment provider that declines and fails now and then, so that compensations run while the faults act. */
const unsteadyKnobs: Fault = {
  kind: 'knobs',
  knobs: { latencyMs: 20, jitterMs: 10, declineRate: 0.15, errorRate: 0.05, hangRate: 0 },
}

export function planScenarioFaults(id: ScenarioId, random: SeededRandom, loadMs: number): Timed[] {
  const start: Timed = { atMs: 0, fault: unsteadyKnobs }
  switch (id) {
    case 'F1': {
      const order = random.shuffle(Object.keys(killPoints) as (keyof typeof killPoints)[])
      return [
        start,
        ...slots(loadMs, order.length).map(({ startMs, lengthMs }, index): Timed => {
          const service = order[index]!
          const points = random.shuffle(killPoints[service]).slice(0, random.int(1, 2))
          const armed = random.chance(0.7)
          return {
            atMs: at(startMs + random.next() * lengthMs * 0.3),
            fault: {
              kind: 'kill',
              service,
              downMs: random.int(300, 1500),
              ...(armed
                ? {
                    at: {
                      points,
                      // About one pass a second of load on the rarest points (a saga step), many on the others.
                      afterPasses: random.int(0, Math.max(2, Math.round(loadMs / 4000))),
                      waitMs: Math.min(8000, Math.max(3000, at(lengthMs * 0.6))),
                    },
                  }
                : {}),
            },
          }
        }),
      ]
    }
    case 'F2':
      return [
        start,
        ...slots(loadMs, 2).map(({ startMs, lengthMs }) => ({
          atMs: at(startMs + random.next() * lengthMs * 0.5),
          fault: { kind: 'kill-postgres', downMs: random.int(500, 3000) } as Fault,
        })),
      ]
    case 'F3':
      return [
        start,
        ...slots(loadMs, 2).map(({ startMs, lengthMs }) => ({
          atMs: at(startMs + random.next() * lengthMs * 0.5),
          fault: { kind: 'kill-nats', downMs: random.int(500, 3000) } as Fault,
        })),
      ]
    case 'F4': {
      const links = scenarios.F4.proxies!
      return [
        start,
        ...slots(loadMs, 6).map(({ startMs, lengthMs }): Timed => {
          const effect = random.pick(['latency', 'blackhole', 'reset'] as const)
          const forMs =
            effect === 'latency'
              ? random.int(2000, 5000)
              : effect === 'blackhole'
                ? random.int(1000, 4000)
                : random.int(300, 2000)
          return {
            atMs: at(startMs + random.next() * lengthMs * 0.2),
            fault: {
              kind: 'network',
              link: random.pick(links),
              effect,
              latencyMs: random.int(50, 400),
              forMs: Math.min(forMs, at(lengthMs * 0.7)),
            },
          }
        }),
      ]
    }
    case 'F5': {
      // orders' calls time out after 2 s an attempt (http-client's default): catalog answers around that line.
      const slowFrom = at(loadMs * 0.1)
      const slowFor = at(loadMs * 0.6)
      return [
        start,
        {
          atMs: slowFrom,
          fault: { kind: 'knobs', knobs: { latencyMs: 2000, jitterMs: 0, declineRate: 0, errorRate: 0, hangRate: 0 } },
        },
        {
          atMs: slowFrom,
          fault: {
            kind: 'network',
            link: 'orders->catalog',
            effect: 'latency',
            latencyMs: random.int(1900, 2100),
            forMs: slowFor,
          },
        },
        { atMs: slowFrom + slowFor, fault: { kind: 'knobs', knobs: randomKnobs(random) } },
      ]
    }
    case 'F6': {
      const consumers: ServiceName[] = ['order-history', 'orders', 'catalog', 'payments']
      const turns = [...random.shuffle(consumers), ...random.shuffle(consumers)]
      return [
        start,
        ...slots(loadMs, turns.length).map(({ startMs, lengthMs }, index): Timed => ({
          atMs: at(startMs + random.next() * lengthMs * 0.3),
          // Half the time back to the start: every event of the run delivered again.
          fault: { kind: 'rewind-cursor', service: turns[index]!, by: random.chance(0.5) ? 1e9 : random.int(20, 300) },
        })),
      ]
    }
    case 'F8':
      return [
        start,
        ...slots(loadMs, 4).map(({ startMs, lengthMs }, index): Timed => ({
          atMs: at(startMs + random.next() * lengthMs * 0.2),
          fault: {
            kind: 'long-transaction',
            owner: index % 2 === 0 ? 'orders' : 'catalog',
            rows: random.int(1, 5),
            forMs: Math.min(random.int(3000, 10_000), at(lengthMs * 0.8)),
          },
        })),
      ]
    case 'F9':
      // The provider's knobs once the skewed service is up again (payments may be the one restarting).
      return [
        { atMs: 3000, fault: unsteadyKnobs },
        {
          atMs: 0,
          fault: {
            kind: 'clock-skew',
            service: random.pick(['users', 'catalog', 'payments', 'orders', 'order-history'] as const),
            offsetMs: random.pick([-1, 1]) * 5 * 60_000,
            forMs: at(loadMs * 0.7),
          },
        },
      ]
    case 'F10':
      return [
        start,
        {
          atMs: at(loadMs * (0.3 + random.next() * 0.3)),
          fault: { kind: 'power-cut', downMs: random.int(1000, 3000) },
        },
      ]
  }
}
