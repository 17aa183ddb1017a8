import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

/** Where a {@link FaultProxy} forwards to. */
export interface FaultProxyTarget {
  host: string
  port: number
}

export interface FaultProxyOptions {
  /** The server behind the proxy, as host and port or as a URL (`postgres://…@127.0.0.1:5432/db`). */
  target: FaultProxyTarget | string
  /**
   * The loopback port to listen on.
   * @default 0, any free port
   */
  port?: number
}

/**
 * A TCP proxy on loopback whose network a test can break, between a service and its database or between two
 * services: latency, a blackhole, connection resets. It models TCP, not a lossy wire: bytes are delayed or held,
 * never dropped, so a healed blackhole delivers everything that was sent into it, in order.
 */
export interface FaultProxy {
  readonly host: string
  readonly port: number
  /** Connections open through the proxy now. */
  readonly connections: number
  /** `url` with its host and port replaced by the proxy's: what the client under test connects to. */
  urlFor(url: string): string
  /** Every byte, each way, arrives `ms` later than it was sent (0 heals). */
  delay(ms: number): void
  /** Holds every byte each way, and new connections before they reach the target, until {@link heal}. */
  blackhole(): void
  /** Resets (RST) every open connection, and every new one until {@link heal}. */
  reset(): void
  /** Back to a plain proxy: held bytes flow, held connections connect, new ones pass. */
  heal(): void
  close(): Promise<void>
}

type Mode = { kind: 'pass'; latencyMs: number } | { kind: 'blackhole' } | { kind: 'reset' }

/** One direction of a connection: chunks leave in the order they came, each no earlier than its due time. */
class Pipe {
  private held: Buffer[] = []
  private lastDue = 0
  private destination: Socket | undefined
  private readonly mode: () => Mode

  constructor(mode: () => Mode) {
    this.mode = mode
  }

  attach(destination: Socket): void {
    this.destination = destination
    this.release()
  }

  push(chunk: Buffer): void {
    const mode = this.mode()
    if (this.destination === undefined || mode.kind !== 'pass' || this.held.length > 0) {
      this.held.push(chunk)
      return
    }
    this.send(chunk, mode.latencyMs)
  }

  release(): void {
    const mode = this.mode()
    if (this.destination === undefined || mode.kind !== 'pass') return
    for (const chunk of this.held.splice(0)) this.send(chunk, mode.latencyMs)
  }

  private send(chunk: Buffer, latencyMs: number): void {
    const destination = this.destination!
    const now = Date.now()
    // A due time never earlier than the previous chunk's keeps the byte order when the latency drops.
    const due = Math.max(now + latencyMs, this.lastDue)
    this.lastDue = due
    if (due <= now) destination.write(chunk)
    else setTimeout(() => destination.destroyed || destination.write(chunk), due - now)
  }
}

function targetOf(target: FaultProxyTarget | string): FaultProxyTarget {
  if (typeof target !== 'string') return target
  const url = new URL(target)
  return { host: url.hostname, port: Number(url.port) }
}

/** Starts a {@link FaultProxy} in front of `options.target`; it passes traffic through until told otherwise. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = targetOf(options.target)
  let mode: Mode = { kind: 'pass', latencyMs: 0 }
  const links = new Set<{ client: Socket; upstream?: Socket; pipes: [Pipe, Pipe]; connect(): void }>()

  const server: Server = createServer({ noDelay: true }, (client) => {
    const toUpstream = new Pipe(() => mode)
    const toClient = new Pipe(() => mode)
    const link = {
      client,
      upstream: undefined as Socket | undefined,
      pipes: [toUpstream, toClient] as [Pipe, Pipe],
      connect() {
        if (link.upstream !== undefined) return
        const upstream = createConnection({ ...target, noDelay: true })
        link.upstream = upstream
        upstream.on('connect', () => toUpstream.attach(upstream))
        upstream.on('data', (chunk: Buffer) => toClient.push(chunk))
        upstream.on('end', () => client.end())
        upstream.on('error', () => client.destroy())
        upstream.on('close', () => client.destroy())
      },
    }
    links.add(link)
    toClient.attach(client)
    client.on('data', (chunk: Buffer) => toUpstream.push(chunk))
    client.on('end', () => link.upstream?.end())
    client.on('error', () => link.upstream?.destroy())
    client.on('close', () => {
      links.delete(link)
      link.upstream?.destroy()
    })
    if (mode.kind === 'reset') client.resetAndDestroy()
    else if (mode.kind === 'pass') link.connect()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  const resetAll = () => {
    for (const link of links) {
      link.client.resetAndDestroy()
      link.upstream?.resetAndDestroy()
    }
  }

  const delay = (ms: number) => {
    mode = { kind: 'pass', latencyMs: ms }
    for (const link of links) {
      link.connect()
      for (const pipe of link.pipes) pipe.release()
    }
  }

  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return links.size
    },
    urlFor(url) {
      const proxied = new URL(url)
      proxied.hostname = '127.0.0.1'
      proxied.port = String(port)
      return proxied.toString()
    },
    delay,
    blackhole() {
      mode = { kind: 'blackhole' }
    },
    reset() {
      mode = { kind: 'reset' }
      resetAll()
    },
    heal: () => delay(0),
    async close() {
      resetAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
