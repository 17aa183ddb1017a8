import type { AddressInfo } from 'node:net'
import { bundleConsole } from './bundle.ts'
import { createCollector, type TopologyInput } from './collector.ts'
import { createConsoleAuth } from './console-auth.ts'
import { buildConsoleServer, type ShopControl } from './console-server.ts'
import { createActionLog } from './faults.ts'
import { createOperatorCalls } from './operator-calls.ts'
import type { ActionView } from './snapshot.ts'

export interface ConsoleOptions {
  /** The shop's processes, databases and the streams and calls between them (the launcher's topology). */
  topology: TopologyInput
  /** Stops and starts a service's process, and tells whether one runs: the launcher's supervisor. */
  control: ShopControl & { isRunning(service: string): boolean }
  /** Where the users service publishes its signing keys, and the claims its access tokens carry. */
  accessTokens: { jwksUrl: string; issuer: string; audience: string }
  /** The operator identity's private key: the console acts on the services as `npm run seams` does. */
  operatorKey: string
  /** 0 takes a free one (tests). */
  port: number
  /** @default '127.0.0.1' */
  host?: string
  /** Every action taken from the console, e.g. for the launcher's log. */
  onAction?: (action: ActionView) => void
  /** @default 1000 */
  pollIntervalMs?: number
  /** Read models whose rebuilds the console shows and offers, as [service, projection]. */
  readModels?: readonly [string, string][]
}

export interface RunningConsole {
  /** The web app's address, e.g. http://127.0.0.1:8090/console/. */
  url: string
  close(): Promise<void>
}

/** Starts the console API and web app next to a running shop. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const { topology } = options
  const urls = Object.fromEntries(topology.services.map((service) => [service.name, service.url]))
  const gatewayUrl = urls['gateway']
  if (gatewayUrl === undefined) throw new TypeError('the console needs the gateway: admins log in through it')
  const calls = createOperatorCalls({ operatorKey: options.operatorKey, urls })
  const collector = createCollector({
    calls,
    isRunning: (service) => options.control.isRunning(service),
    intervalMs: options.pollIntervalMs,
    topology,
  })
  collector.watchRebuilds(options.readModels ?? [])
  const actions = createActionLog({ onAction: options.onAction })
  collector.withExtras(() => ({ actions: actions.list().slice(0, 50) }))
  const app = await buildConsoleServer({
    bundle: await bundleConsole(),
    collector,
    calls,
    actions,
    auth: createConsoleAuth(options.accessTokens),
    shop: options.control,
    gatewayUrl,
    services: topology.services.map((service) => service.name),
  })
  const host = options.host ?? '127.0.0.1'
  await app.listen({ port: options.port, host })
  const port = (app.server.address() as AddressInfo).port
  collector.start()
  return {
    url: `http://${host}:${port}/console/`,
    async close() {
      collector.stop()
      await app.close()
    },
  }
}
