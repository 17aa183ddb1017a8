import { randomBytes, randomUUID } from 'node:crypto'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import postgres from 'postgres'

/** Single-row INSERT transactions per second from `clients` concurrent connections: the database's own ceiling here. */
export async function singleRowInserts(url: string, clients: number, seconds: number): Promise<number> {
  const sql = postgres(url, { max: clients, onnotice: () => {} })
  await sql`create table if not exists ceiling (id uuid primary key, value int not null)`
  let count = 0
  const end = performance.now() + seconds * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        await sql`insert into ceiling (id, value) values (${randomUUID()}, ${count})`
        count += 1
      }
    }),
  )
  const rate = count / ((performance.now() - started) / 1000)
  await sql.end()
  return rate
}

/** Acknowledged JetStream publishes per second, 256 in flight, 300-byte messages with message ids. */
export async function jetstreamPublishes(natsUrl: string, seconds: number): Promise<number | undefined> {
  const nc = await connect({ servers: natsUrl, timeout: 2000 }).catch(() => undefined)
  if (nc === undefined) return undefined
  const run = randomBytes(3).toString('hex')
  const stream = `CEILING_${run.toUpperCase()}`
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: stream, subjects: [`ceiling.${run}.>`] })
  const js = jetstream(nc)
  const payload = 'x'.repeat(300)
  let acked = 0
  const end = performance.now() + seconds * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (performance.now() < end) {
        await js.publish(`ceiling.${run}.event`, payload, { msgID: randomUUID() })
        acked += 1
      }
    }),
  )
  const rate = acked / ((performance.now() - started) / 1000)
  await jsm.streams.delete(stream)
  await nc.close()
  return rate
}
