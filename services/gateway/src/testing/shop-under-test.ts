import { fileURLToPath } from 'node:url'
import { freePort, startServiceProcess, type ServiceProcess } from '@seams/process-runner'
import { adminDatabaseUrl } from '@seams/testing'
import {
  environmentOf,
  startTestShop,
  type RunningShop,
  type ServiceName,
  type ShopSecrets,
  type TestShop,
} from '@shop/launcher'

/** Real service processes on a database prefix of their own, with one or more gateways in front. */
export interface ShopUnderTest {
  shop: RunningShop
  secrets: ShopSecrets
  /** The shop's identities, to call a service directly as one of them. */
  identity: TestShop['identity']
  /** The first gateway's base URL. */
  gatewayUrl: string
  /** Starts a gateway (another replica) with the shop's wiring plus `env`, on a free port. */
  startGateway(env?: Record<string, string>): Promise<RunningGateway>
  stop(): Promise<void>
}

export interface RunningGateway {
  url: string
  process: ServiceProcess
}

const gatewayEntry = fileURLToPath(new URL('../main.ts', import.meta.url))

/**
 * Starts `services` with `startTestShop`, then the gateway. The gateway is started here rather than by
 * `startShop`, which waits for `/health/ready` to answer 200: the gateway's readiness is the whole
 * shop's, and stays 503 while orders and order-history do not run. Its process is up once live.
 */
export async function startShopUnderTest(options: {
  services: readonly ServiceName[]
  gateway?: Record<string, string>
}): Promise<ShopUnderTest> {
  const testShop = await startTestShop(adminDatabaseUrl(), { services: options.services })
  const { shop } = testShop
  const gateways: RunningGateway[] = []

  const startGateway = async (env: Record<string, string> = {}) => {
    const port = env['PORT'] === undefined ? await freePort() : Number(env['PORT'])
    const url = `http://127.0.0.1:${port}`
    const process = await startServiceProcess({
      name: 'gateway',
      entry: gatewayEntry,
      env: { ...environmentOf('gateway', shop.wiring), LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      readyUrl: `${url}/health/live`,
    })
    const gateway = { url, process }
    gateways.push(gateway)
    return gateway
  }

  const stop = async () => {
    for (const gateway of gateways) await gateway.process.stop()
    await testShop.close()
  }

  try {
    const first = await startGateway({ ...options.gateway, PORT: String(shop.wiring.ports.gateway) })
    return { shop, secrets: testShop.secrets, identity: testShop.identity, gatewayUrl: first.url, startGateway, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
