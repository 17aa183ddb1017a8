import { setTimeout as sleep } from 'node:timers/promises'
import { armFaultPoints, newId } from '@seams/core'
import { createDatabase, createMetricsRegistry, runMigrations, type Sql } from '@seams/service-kit'
import { createTestDatabase, eventually, type TestDatabase } from '@seams/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSagaRunner, defineSaga, sagaMigrations, type SagaRunner, type SagaStep } from './index.ts'
import { nextDueInMs } from './saga-store.ts'

interface TripData {
  trip: string
  log: string[]
}

describe('saga runner', () => {
  let database: TestDatabase
  let sql: Sql
  // What each step does on its next attempt, per trip: 'ok', 'refuse', 'throw', 'hang'.
  const script = new Map<string, string[]>()
  const effects: string[] = []

  const next = (trip: string, step: string) => script.get(`${trip}:${step}`)?.shift() ?? 'ok'
  const step = (name: string): SagaStep<TripData> => ({
    name,
    async run(data, context) {
      const action = next(data.trip, name)
      if (action === 'throw') throw new Error(`${name} unreachable`)
      if (action === 'refused-connection') throw new Error(`${name} refused the connection`)
      if (action === 'hang') await sleep(10_000, undefined, { signal: context.signal })
      if (action === 'refuse') return { refused: `${name} refused` }
      effects.push(`${data.trip}:${name}:${context.idempotencyKey}`)
      return { done: { ...data, log: [...data.log, name] } }
    },
    async compensate(data) {
      if (next(data.trip, `${name}:undo`) === 'throw') throw new Error(`cannot undo ${name} yet`)
      effects.push(`${data.trip}:undo-${name}`)
    },
  })

  const trip = defineSaga<TripData>({
    type: 'trip',
    steps: [step('flight'), step('hotel'), step('car')],
    async onCompleted(tx, data) {
      await tx`insert into trips (id, outcome) values (${data.trip}, 'booked')`
    },
    async onCompensated(tx, data, failure) {
      await tx`insert into trips (id, outcome, failure) values (${data.trip}, 'cancelled', ${failure})`
    },
  })

  // A saga whose last step is local: it writes in the saga's own database, in the transaction that records it.
  const abortChecks: string[] = []
  const errand = defineSaga<TripData>({
    type: 'errand',
    steps: [
      step('flight'),
      {
        name: 'confirm',
        async runLocally(tx, data) {
          const action = next(data.trip, 'confirm')
          if (action === 'refuse') return { refused: 'confirm refused' }
          await tx`insert into confirmations (trip) values (${data.trip})`
          if (action === 'taken-over')
            // Another runner takes the saga over while this one is in its local step.
            await sql`update seams_sagas set version = version + 1 where data->>'trip' = ${data.trip}`
          return { done: data }
        },
      },
    ],
    async checkAbort(_sql, data) {
      abortChecks.push(`${data.trip}:${data.log.length}`)
      return undefined
    },
    async onCompensated(tx, data, failure) {
      await tx`insert into trips (id, outcome, failure) values (${data.trip}, 'cancelled', ${failure})`
    },
  })

  const runner = (options: Partial<Parameters<typeof createSagaRunner>[0]> = {}): SagaRunner =>
    createSagaRunner({
      sql,
      sagas: [trip],
      stepTimeoutMs: 200,
      maxStepAttempts: 3,
      pollIntervalMs: 20,
      leaseMs: 500,
      metrics: createMetricsRegistry('saga-test'),
      isUndelivered: (error) => (error as Error).message.includes('refused the connection'),
      ...options,
    })

  beforeAll(async () => {
    database = await createTestDatabase('saga')
    sql = createDatabase(database.url, { applicationName: 'saga-test' })
    await runMigrations(sql, { sources: [sagaMigrations] })
    await sql`create table trips (id text primary key, outcome text not null, failure text)`
    await sql`create table confirmations (trip text not null)`
  })

  afterAll(async () => {
    await sql?.end()
    await database?.drop()
  })

  async function book(saga: SagaRunner, id: string): Promise<string> {
    const tripId = `trip-${id}`
    await sql.begin((tx) => saga.begin(tx, trip, newId(), { trip: tripId, log: [] }))
    saga.wake()
    return tripId
  }

  async function outcome(tripId: string, timeoutMs = 10_000): Promise<{ outcome: string; failure: string | null }> {
    const read = async () =>
      (
        await sql<
          { outcome: string; failure: string | null }[]
        >`select outcome, failure from trips where id = ${tripId}`
      )[0]
    return (await eventually(`${tripId} finishing`, read, { timeoutMs, intervalMs: 20 }))!
  }

  const effectsOf = (tripId: string) =>
    effects.filter((effect) => effect.startsWith(`${tripId}:`)).map((effect) => effect.split(':')[1])

  it('runs every step once and completes', async () => {
    const saga = runner()
    saga.start()
    const tripId = await book(saga, 'happy')
    expect(await outcome(tripId)).toEqual({ outcome: 'booked', failure: null })
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel', 'car'])
    await saga.stop()
  })

  it('compensates the done steps in reverse order when a step refuses', async () => {
    const saga = runner()
    saga.start()
    script.set('trip-refused:car', ['refuse'])
    const tripId = await book(saga, 'refused')
    expect(await outcome(tripId)).toEqual({ outcome: 'cancelled', failure: 'car refused' })
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel', 'undo-hotel', 'undo-flight'])
    await saga.stop()
  })

  it('retries a step that does not answer, with the same idempotency key', async () => {
    const saga = runner()
    saga.start()
    script.set('trip-flaky:hotel', ['throw', 'hang'])
    const tripId = await book(saga, 'flaky')
    expect(await outcome(tripId)).toEqual({ outcome: 'booked', failure: null })
    const keys = effects.filter((effect) => effect.startsWith(`${tripId}:hotel:`))
    expect(keys).toHaveLength(1)
    await saga.stop()
  })

  it('times out a step that never answers and compensates it too, since it may have taken effect', async () => {
    const saga = runner()
    saga.start()
    script.set('trip-silent:hotel', ['hang', 'hang', 'hang'])
    const tripId = await book(saga, 'silent')
    const result = await outcome(tripId)
    expect(result.outcome).toBe('cancelled')
    expect(result.failure).toContain('hotel did not answer')
    expect(effectsOf(tripId)).toEqual(['flight', 'undo-hotel', 'undo-flight'])
    await saga.stop()
  })

  it('does not undo a step whose every attempt certainly never reached its target', async () => {
    const saga = runner()
    saga.start()
    script.set('trip-closed:hotel', ['refused-connection', 'refused-connection', 'refused-connection'])
    const tripId = await book(saga, 'closed')
    expect((await outcome(tripId)).failure).toContain('hotel did not answer')
    expect(effectsOf(tripId)).toEqual(['flight', 'undo-flight'])
    await saga.stop()
  })

  it('does not undo a first step whose every attempt certainly never reached its target', async () => {
    const saga = runner()
    saga.start()
    script.set('trip-closed-first:flight', ['refused-connection', 'refused-connection', 'refused-connection'])
    const tripId = await book(saga, 'closed-first')
    expect((await outcome(tripId)).failure).toContain('flight did not answer')
    expect(effectsOf(tripId)).toEqual([])
    await saga.stop()
  })

  it('retries a failing compensation until it succeeds, and shows it meanwhile', async () => {
    const metrics = createMetricsRegistry('saga-compensation')
    const saga = runner({ metrics })
    saga.start()
    script.set('trip-stubborn:car', ['refuse'])
    script.set('trip-stubborn:hotel:undo', ['throw', 'throw', 'throw'])
    const tripId = await book(saga, 'stubborn')
    expect((await outcome(tripId)).outcome).toBe('cancelled')
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel', 'undo-hotel', 'undo-flight'])
    expect(await metrics.getSingleMetricAsString('saga_compensation_failures_total')).toContain(
      'saga_compensation_failures_total{type="trip",step="hotel",service="saga-compensation"} 3',
    )
    const [failures] = await sql<{ count: number }[]>`
      select count(*)::int8 as count from seams_saga_steps s join seams_sagas g on g.id = s.saga_id
      where g.data->>'trip' = ${tripId} and s.direction = 'compensate' and s.outcome = 'failed'`
    expect(failures!.count).toBe(3)
    await saga.stop()
  })

  // Found by the invariant scenario: orders was killed during a reservation, and catalog was restarting
  // when the saga resumed, so every retry was refused at the door; the reservation was never released.
  it('undoes a step interrupted by a crash even when no later attempt reaches its target', async () => {
    // The process "dies" right after the hotel step took effect: the runner stops working on that saga there.
    const disarm = armFaultPoints((name) => {
      if (name === 'saga.step-done:trip:hotel') throw new Error('process killed after the hotel step')
    })
    const dying = runner()
    dying.start()
    const tripId = await book(dying, 'crash-then-closed')
    await sleep(300)
    await dying.stop()
    disarm()
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel'])
    script.set(`${tripId}:hotel`, ['refused-connection', 'refused-connection', 'refused-connection'])
    const survivor = runner()
    survivor.start()
    expect((await outcome(tripId)).failure).toContain('hotel did not answer')
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel', 'undo-hotel', 'undo-flight'])
    await survivor.stop()
  })

  describe('with a local step', () => {
    const start = async (id: string) => {
      const saga = runner({ sagas: [trip, errand] })
      saga.start()
      const tripId = `errand-${id}`
      await sql.begin((tx) => saga.begin(tx, errand, newId(), { trip: tripId, log: [] }))
      saga.wake()
      return { saga, tripId }
    }
    const confirmations = async (tripId: string) =>
      (await sql<{ n: number }[]>`select count(*)::int8 as n from confirmations where trip = ${tripId}`)[0]!.n
    const status = async (tripId: string) =>
      (await sql<{ status: string }[]>`select status from seams_sagas where data->>'trip' = ${tripId}`)[0]?.status

    it('commits the step with the completion, and asks checkAbort only before the steps that call out', async () => {
      const { saga, tripId } = await start('local')
      await eventually('the errand completing', () => status(tripId), { until: (value) => value === 'completed' })
      expect(await confirmations(tripId)).toBe(1)
      expect(abortChecks.filter((check) => check.startsWith(`${tripId}:`))).toEqual([`${tripId}:0`])
      await saga.stop()
    })

    it('compensates the earlier steps when the local step refuses', async () => {
      script.set('errand-refused:confirm', ['refuse'])
      const { saga, tripId } = await start('refused')
      expect(await outcome(tripId)).toEqual({ outcome: 'cancelled', failure: 'confirm refused' })
      expect(effectsOf(tripId)).toEqual(['flight', 'undo-flight'])
      expect(await confirmations(tripId)).toBe(0)
      await saga.stop()
    })

    it('rolls its effect back when another runner took the saga over, so that it takes effect once', async () => {
      script.set('errand-taken:confirm', ['taken-over'])
      const { saga, tripId } = await start('taken')
      // The first attempt's insert is rolled back with its progress; after the lease the saga is claimed again.
      await eventually('the errand completing', () => status(tripId), {
        until: (value) => value === 'completed',
        timeoutMs: 10_000,
      })
      expect(await confirmations(tripId)).toBe(1)
      await saga.stop()
    })
  })

  it('resumes a saga after the runner working on it died, finishing it exactly once', async () => {
    // The process "dies" right after the hotel step took effect: the runner stops working on that saga there.
    const disarm = armFaultPoints((name) => {
      if (name === 'saga.step-done:trip:hotel') throw new Error('process killed after the hotel step')
    })
    const dying = runner()
    dying.start()
    const tripId = await book(dying, 'crash')
    await sleep(300)
    await dying.stop()
    disarm()
    expect(effectsOf(tripId)).toEqual(['flight', 'hotel'])
    const survivor = runner()
    survivor.start()
    expect(await outcome(tripId)).toEqual({ outcome: 'booked', failure: null })
    // The hotel step ran again after the crash (same idempotency key, so the real service deduplicates it).
    expect(new Set(effects.filter((effect) => effect.startsWith(`${tripId}:hotel:`))).size).toBe(1)
    expect(effectsOf(tripId).filter((effect) => effect === 'car')).toHaveLength(1)
    const [count] = await sql<{ n: number }[]>`select count(*)::int8 as n from trips where id = ${tripId}`
    expect(count!.n).toBe(1)
    await survivor.stop()
  })
})

describe('when the next saga is due', () => {
  let database: TestDatabase
  let sql: Sql

  beforeAll(async () => {
    database = await createTestDatabase('saga_due')
    sql = createDatabase(database.url, { applicationName: 'saga-due-test' })
    await runMigrations(sql, { sources: [sagaMigrations] })
  })

  afterAll(async () => {
    await sql?.end()
    await database?.drop()
  })

  it('is never, with no saga running, and otherwise the soonest running one, or now when it is late', async () => {
    expect(await nextDueInMs(sql)).toBeUndefined()
    const insert = (status: string, dueInMs: number) => sql`
      insert into seams_sagas (id, type, data, status, step, deadline_at, next_attempt_at)
      values (${newId()}, 'trip', '{}', ${status}, 0, now() + interval '1 hour',
              now() + ${dueInMs} * interval '1 millisecond')`
    await insert('completed', -60_000)
    expect(await nextDueInMs(sql)).toBeUndefined()
    await insert('running', 60_000)
    await insert('compensating', 30_000)
    expect(await nextDueInMs(sql)).toBeGreaterThan(29_000)
    expect(await nextDueInMs(sql)).toBeLessThanOrEqual(30_000)
    await insert('running', -5_000)
    expect(await nextDueInMs(sql)).toBe(0)
  })
})
