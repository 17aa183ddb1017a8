import { setTimeout as sleep } from 'node:timers/promises'
import type { TestShop } from '@shop/launcher'
import type { ShopDatabases } from './shop-databases.ts'

export interface SettleResult {
  settled: boolean
  /** From the start of the wait until the shop was quiet (or the wait gave up). */
  ms: number
  /** What was still moving when the wait gave up, or the quiet state. */
  state: string
}

interface Snapshot {
  quiet: boolean
  /** Feed heads and consumer cursors: unchanged between two quiet looks means nothing is moving. */
  fingerprint: string
  problems: string[]
  at: number
}

/** Every sample of a gauge or counter on a Prometheus page, by its label text; undefined when down. */
async function scrapeSeries(baseUrl: string, name: string): Promise<Map<string, number> | undefined> {
  const page = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then(
    (response) => (response.ok ? response.text() : undefined),
    () => undefined,
  )
  if (page === undefined) return undefined
  const series = new Map<string, number>()
  for (const line of page.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    series.set(line.slice(name.length, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1)))
  }
  return series
}

async function look(test: TestShop, dbs: ShopDatabases): Promise<Snapshot> {
  const problems: string[] = []
  const open = await dbs.db.orders<{ type: string; status: string; n: number }[]>`
    select type, status, count(*)::int as n from seams_sagas where status in ('running', 'compensating') group by 1, 2`
  for (const row of open) problems.push(`${row.n} ${row.type} sagas ${row.status}`)
  const heads: string[] = []
  for (const owner of await dbs.having('seams_outbox')) {
    const [row] = await dbs.db[owner]<{ unstamped: number; head: string }[]>`
      select count(*) filter (where position is null)::int as unstamped, coalesce(max(position), 0)::text as head
      from seams_outbox`
    if (row!.unstamped > 0) problems.push(`${owner}: ${row!.unstamped} outbox rows not relayed yet`)
    heads.push(`${owner}@${row!.head}`)
  }
  const cursors: string[] = []
  for (const owner of await dbs.having('seams_consumer_cursors')) {
    const rows = await dbs.db[owner]<
      { consumer: string; position: string }[]
    >`select consumer, position::text from seams_consumer_cursors order by consumer`
    cursors.push(...rows.map((row) => `${row.consumer}@${row.position}`))
    // Lag as each consumer last saw its producer's head; a stale zero is caught by the second look.
    for (const [gauge, what] of [
      ['consumer_lag_events', 'events behind'],
      ['consumer_source_read_failures', 'failed reads'],
    ] as const) {
      const series = await scrapeSeries(test.shop.urls[owner], gauge)
      if (series === undefined) problems.push(`${owner} does not answer /metrics`)
      else for (const [labels, value] of series) if (value > 0) problems.push(`${owner} ${labels}: ${value} ${what}`)
    }
  }
  return { quiet: problems.length === 0, fingerprint: [...heads, ...cursors].join(' '), problems, at: Date.now() }
}

/**
 * Waits until the shop has stopped moving: no checkout or cancellation saga running or compensating,
 * every outbox row relayed, every consumer at its producer's head without read failures, and all of
 * it unchanged over a second (one quiet look could catch a consumer between a long poll and its batch).
 */
export async function waitUntilSettled(
  test: TestShop,
  dbs: ShopDatabases,
  timeoutMs: number,
  log: (line: string) => void = () => {},
): Promise<SettleResult> {
  const started = Date.now()
  let reported = started
  let quietSince: Snapshot | undefined
  let last: Snapshot | undefined
  while (Date.now() - started < timeoutMs) {
    last = await look(test, dbs).catch((error: unknown) => ({
      quiet: false,
      fingerprint: '',
      problems: [`look failed: ${(error as Error).message}`],
      at: Date.now(),
    }))
    if (!last.quiet && last.at - reported >= 5000) {
      reported = last.at
      log(`still settling after ${last.at - started} ms: ${last.problems.join('; ')}`)
    }
    if (!last.quiet || quietSince?.fingerprint !== last.fingerprint) quietSince = last.quiet ? last : undefined
    else if (last.at - quietSince.at >= 1000) return { settled: true, ms: quietSince.at - started, state: 'quiet' }
    await sleep(250)
  }
  return { settled: false, ms: Date.now() - started, state: last?.problems.join('; ') ?? 'never looked' }
}
