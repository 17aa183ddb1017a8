import { Client, type Dispatcher } from 'undici'

export interface ConnectionPoolOptions {
  /** A cheap GET on the target: sent once per user to connect it, and on connections left idle to keep them. */
  pingPath: string
  /**
   * A connection idle this long gets a ping, so that the server's keep-alive timeout (72 s in every
   * service, 70 s as undici reads its hint) never closes it between two requests of a user who thinks long.
   * @default 55000
   */
  pingIdleMs?: number
  /**
   * Connections opened at once in the connect phase.
   * @default 100
   */
  connectConcurrency?: number
}

export interface ConnectionStats {
  connections: number
  /** TCP connects, counted by undici's `connect` events. */
  opened: number
  /** Connects beyond each user's first one: 0 when every user kept its connection. */
  reopened: number
  /** Connections lost, by the reason undici gave. */
  disconnects: Record<string, number>
  /** Keep-alive pings sent on idle connections (not part of any measured figure) and how many failed. */
  pings: number
  pingErrors: number
}

/** One keep-alive connection per virtual user, made once for the whole benchmark and shared by every run. */
export interface ConnectionPool {
  readonly target: string
  readonly size: number
  request(user: number, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>
  /** Connects every user with one ping each (the connect phase, before any clock starts); how long it took. */
  connect(): Promise<{ ms: number; failed: number }>
  stats(): ConnectionStats
  /** Closes every connection; the stats as they were at the end. */
  close(): Promise<ConnectionStats>
}

export function createConnectionPool(target: string, size: number, options: ConnectionPoolOptions): ConnectionPool {
  const pingIdleMs = options.pingIdleMs ?? 55_000
  const clients = Array.from(
    { length: size },
    () => new Client(target, { pipelining: 1, keepAliveTimeout: 120_000, headersTimeout: 60_000, bodyTimeout: 60_000 }),
  )
  const connects = new Uint32Array(size)
  const busy = new Uint32Array(size)
  const lastUsed = new Float64Array(size).fill(performance.now())
  const disconnects: Record<string, number> = {}
  let pings = 0
  let pingErrors = 0
  clients.forEach((client, index) => {
    client.on('connect', () => {
      connects[index]! += 1
    })
    client.on('disconnect', (_origin, _targets, error) => {
      const reason = (error as { code?: string } | undefined)?.code ?? 'unknown'
      disconnects[reason] = (disconnects[reason] ?? 0) + 1
    })
  })

  async function request(user: number, requestOptions: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    busy[user]! += 1
    lastUsed[user] = performance.now()
    try {
      return await clients[user]!.request(requestOptions)
    } finally {
      busy[user]! -= 1
      lastUsed[user] = performance.now()
    }
  }

  async function ping(user: number): Promise<void> {
    pings += 1
    try {
      const response = await request(user, { method: 'GET', path: options.pingPath })
      await response.body.dump()
      if (response.statusCode >= 400) pingErrors += 1
    } catch {
      pingErrors += 1
    }
  }

  // Runs for the pool's whole life, measured runs included: at 100 req/s from 5,000 users a user waits
  // 50 s between requests on average, and a third of its waits would outlast the server's keep-alive.
  const keeper = setInterval(
    () => {
      const idleSince = performance.now() - pingIdleMs
      for (let user = 0; user < size; user += 1) if (busy[user] === 0 && lastUsed[user]! < idleSince) void ping(user)
    },
    Math.min(5000, pingIdleMs / 4),
  )
  keeper.unref()

  function stats(): ConnectionStats {
    let opened = 0
    let reopened = 0
    for (const count of connects) {
      opened += count
      reopened += Math.max(0, count - 1)
    }
    return { connections: size, opened, reopened, disconnects: { ...disconnects }, pings, pingErrors }
  }

  return {
    target,
    size,
    request,
    async connect() {
      const started = performance.now()
      let next = 0
      let failed = 0
      await Promise.all(
        Array.from({ length: Math.min(size, options.connectConcurrency ?? 100) }, async () => {
          while (next < size) {
            const user = next++
            for (let attempt = 1; ; attempt += 1) {
              const ok = await request(user, { method: 'GET', path: options.pingPath }).then(
                async (response) => (await response.body.dump(), response.statusCode < 400),
                () => false,
              )
              if (ok) break
              if (attempt === 3) {
                failed += 1
                break
              }
            }
          }
        }),
      )
      return { ms: performance.now() - started, failed }
    },
    stats,
    async close() {
      clearInterval(keeper)
      const last = stats()
      await Promise.all(clients.map((client) => client.close()))
      return last
    },
  }
}
