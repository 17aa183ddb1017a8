import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger, Transport } from '@seams/core'
import { createConsumer, type Consumer } from '@seams/inbox'
import type { Sql, TransactionSql } from 'postgres'
import { RebuildSourceTruncated } from './errors.ts'
import {
  liveConsumerName,
  rebuildConsumerName,
  shadowTableOf,
  sharedRowsOrdering,
  type Projection,
} from './projection.ts'

export interface RebuildOptions {
  sql: Sql
  /** Where the replay consumers' leader locks take their connections (see ConsumerOptions). */
  leadershipSql?: Sql
  service: string
  projection: Projection
  transport: Transport
  logger?: Logger
  signal?: AbortSignal
  /** Called as the replay advances. */
  onProgress?: (progress: RebuildProgress) => void
}

export interface RebuildProgress {
  phase: 'replaying' | 'done'
  /** Rebuild cursor and live cursor per source. */
  sources: Record<string, { rebuilt: number; live: number }>
}

async function cursors(sql: Sql | TransactionSql, names: readonly string[]): Promise<Map<string, number>> {
  const rows = await sql<
    { consumer: string; position: number }[]
  >`select consumer, position from seams_consumer_cursors where consumer = any(${names as string[]})`
  return new Map(rows.map((row) => [row.consumer, row.position]))
}

/**
 * Replays every source from the beginning into a fresh table, then, in one transaction that holds the
 * live consumers still, swaps it in: renames the tables, moves the live cursors to where the replay
 * stopped and gives the live consumers the replay's inbox, so nothing is applied twice or skipped.
 * Reads go to the old table until the swap commits. Throws RebuildSourceTruncated, leaving the live table
 * as it was, when a source no longer holds its first events (retention, a purge): the fresh table would
 * silently lack what they did.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildProgress> {
  const { sql, service, projection } = options
  const shadow = shadowTableOf(projection)
  const pairs = projection.sources.map((source) => ({
    source,
    live: liveConsumerName(service, projection, source.source),
    rebuild: rebuildConsumerName(service, projection, source.source),
  }))
  const rebuildNames = pairs.map((pair) => pair.rebuild)
  await forgetReplay() // of an earlier rebuild that did not finish
  await projection.createTable(sql, shadow)
  const replays: Consumer[] = pairs.map((pair) =>
    createConsumer({
      sql,
      leadershipSql: options.leadershipSql,
      name: pair.rebuild,
      source: pair.source.source,
      transport: options.transport,
      handlers: pair.source.handlers(shadow),
      logger: options.logger,
      maxBatch: 500,
      ...sharedRowsOrdering(projection, pair.source, shadow),
    }),
  )
  replays.forEach((consumer) => consumer.start())
  let swapped = false
  try {
    for (;;) {
      if (options.signal?.aborted === true) throw new Error('rebuild aborted')
      refuseTruncatedSources()
      const progress = await positions()
      options.onProgress?.({ phase: 'replaying', sources: progress })
      if (Object.values(progress).every((source) => source.rebuilt >= source.live) && (await swap())) break
      await sleep(100)
    }
    swapped = true
  } finally {
    await Promise.all(replays.map((consumer) => consumer.stop()))
    // A rebuild that did not swap leaves nothing behind to be mistaken for a read model.
    if (!swapped) await forgetReplay().catch(() => {})
  }
  // Read before the rebuild's cursors go, so that the answer says how far the replay went.
  const done: RebuildProgress = { phase: 'done', sources: await positions() }
  await sql`delete from seams_consumer_cursors where consumer = any(${rebuildNames})`
  await sql`delete from seams_inbox where consumer = any(${rebuildNames})`
  options.onProgress?.(done)
  return done

  async function forgetReplay(): Promise<void> {
    await sql`drop table if exists ${sql(shadow)}`
    await sql`delete from seams_consumer_cursors where consumer = any(${rebuildNames})`
    await sql`delete from seams_inbox where consumer = any(${rebuildNames})`
  }

  // A replay's transport refuses to start before events it no longer holds; waiting for it would never end.
  function refuseTruncatedSources(): void {
    for (const [index, replay] of replays.entries()) {
      const refused = replay.lag().refused
      if (refused === undefined) continue
      const source = pairs[index]!.source.source
      throw new RebuildSourceTruncated(
        `cannot rebuild ${projection.name}: ${source} no longer holds its first events, ` +
          `so the rebuilt table would lack them (${refused.message})`,
        {
          details: { projection: projection.name, source, transport: refused.code },
        },
      )
    }
  }

  async function positions(): Promise<RebuildProgress['sources']> {
    const known = await cursors(
      sql,
      pairs.flatMap((pair) => [pair.live, pair.rebuild]),
    )
    return Object.fromEntries(
      pairs.map((pair) => [
        pair.source.source,
        { rebuilt: known.get(pair.rebuild) ?? 0, live: known.get(pair.live) ?? 0 },
      ]),
    )
  }

  async function swap(): Promise<boolean> {
    return sql.begin(async (tx) => {
      // Table first, then cursors: the order in which a live consumer's batch touches them, so the two
      // cannot deadlock, and once both are held no live batch can commit until the swap is done.
      await tx`lock table ${tx(projection.name)} in access exclusive mode`
      const live = await tx<{ consumer: string; position: number }[]>`
        select consumer, position from seams_consumer_cursors
        where consumer = any(${pairs.map((pair) => pair.live)}) for update`
      const replayed = await cursors(tx, rebuildNames)
      const livePositions = new Map(live.map((row) => [row.consumer, row.position]))
      if (pairs.some((pair) => (replayed.get(pair.rebuild) ?? 0) < (livePositions.get(pair.live) ?? 0))) return false
      await tx`drop table ${tx(projection.name)}`
      await tx`alter table ${tx(shadow)} rename to ${tx(projection.name)}`
      for (const pair of pairs) {
        await tx`
          insert into seams_inbox (consumer, event_id, processed_at)
          select ${pair.live}, event_id, processed_at from seams_inbox where consumer = ${pair.rebuild}
          on conflict do nothing`
        await tx`
          insert into seams_consumer_cursors (consumer, source, position)
          values (${pair.live}, ${pair.source.source}, ${replayed.get(pair.rebuild) ?? 0})
          on conflict (consumer) do update set position = excluded.position, updated_at = now()`
      }
      return true
    })
  }
}
