import { setTimeout as sleep } from 'node:timers/promises'
import { createDatabase, type Sql, type TransactionSql } from '@seams/service-kit'
import { createTestDatabase, type TestDatabase } from '@seams/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defineProjection, sharedRowsOrdering, type ProjectionSource } from './projection.ts'

describe('a projection fed by several sources', () => {
  let database: TestDatabase
  let sql: Sql
  const source = (name: string): ProjectionSource => ({ source: name, handlers: () => [] })
  const entries = defineProjection({
    name: 'entries',
    createTable: async () => {},
    sources: [source('orders'), source('payments')],
  })

  beforeAll(async () => {
    database = await createTestDatabase('projection')
    sql = createDatabase(database.url, { applicationName: 'projection-test' })
    await sql`create table entries (id text primary key, touched int not null default 0)`
    await sql`insert into entries (id) values ('a'), ('b')`
  })

  afterAll(async () => {
    await sql?.end()
    await database?.drop()
  })

  // Two batches touching the same two rows in opposite orders, as the consumers of two sources do.
  const crosswise = (before: ((tx: TransactionSql) => Promise<unknown>) | undefined) =>
    Promise.allSettled(
      [
        ['a', 'b'],
        ['b', 'a'],
      ].map((ids) =>
        sql.begin(async (tx) => {
          await before?.(tx)
          await tx`update entries set touched = touched + 1 where id = ${ids[0]!}`
          await sleep(200)
          await tx`update entries set touched = touched + 1 where id = ${ids[1]!}`
        }),
      ),
    )

  it('deadlocks when its consumers do not take turns (the failure the turns prevent)', async () => {
    const outcomes = await crosswise(undefined)
    expect(
      outcomes
        .map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : 'ok'))
        .sort(),
    ).toEqual(['40P01', 'ok'])
  })

  it('applies both batches when its consumers take turns on the table', async () => {
    const outcomes = await crosswise(sharedRowsOrdering(entries, entries.sources[0]!, 'entries').beforeApplying)
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled'])
  })

  it('lets sources that name their rows go side by side, each batch in row-key order', async () => {
    const keyed = (name: string): ProjectionSource => ({ ...source(name), rowKey: (event) => event.subject })
    const both = { ...entries, sources: [keyed('orders'), keyed('payments')] }
    const ordering = sharedRowsOrdering(both, both.sources[0]!, 'entries')
    expect(ordering.beforeApplying).toBeUndefined()
    expect(ordering.rowKey).toBe(both.sources[0]!.rowKey)
    // One source without a key: they take turns.
    expect(
      sharedRowsOrdering({ ...both, sources: [keyed('orders'), source('payments')] }, both.sources[0]!, 'entries'),
    ).toHaveProperty('beforeApplying')
    // The same two batches, each in key order as the consumers apply them: no deadlock, no turns.
    const outcomes = await Promise.allSettled(
      [
        ['a', 'b'],
        ['b', 'a'],
      ].map((ids) =>
        sql.begin(async (tx) => {
          for (const id of [...ids].sort()) {
            await tx`update entries set touched = touched + 1 where id = ${id}`
            await sleep(100)
          }
        }),
      ),
    )
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled'])
  })

  it('leaves a single-source projection alone', () => {
    expect(sharedRowsOrdering({ ...entries, sources: [source('orders')] }, source('orders'), 'entries')).toEqual({})
  })
})
