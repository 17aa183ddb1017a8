import { round } from '../support/report.ts'
import type { Run } from './report.ts'
import { summarizeRun } from './run-summary.ts'
import type { Endpoint } from './workload.ts'

/** The endpoints the cost table measures, in the order they run: orders are placed before they are read. */
export const costedEndpoints: readonly Endpoint[] = [
  'browse',
  'productDetail',
  'placeOrder',
  'order',
  'orderDetails',
  'orderHistory',
  'profileUpdate',
]

export interface EndpointCost {
  endpoint: Endpoint
  succeededPerSecond: number
  p99: number
  errors: number
  /** CPU of the shop's processes and PostgreSQL per successful request; the generator's is apart. */
  shopCpuMsPerRequest: number
  /** The same without what the shop burns at rest over as long (the idle measurement before the load). */
  marginalShopCpuMsPerRequest: number | undefined
  cpuMsPerRequest: Record<string, number>
  machineBusyPercent: number
}

export function endpointCost(
  endpoint: Endpoint,
  run: Run,
  idleMsPerSecond: Record<string, number> | undefined,
): EndpointCost {
  const summary = summarizeRun(run.result)
  const succeeded = Math.max(run.result.succeeded, 1)
  const perRequest = (seconds: number) => round((seconds * 1000) / succeeded, 3)
  const shopSeconds = Object.entries(run.cpuSeconds)
    .filter(([name]) => name !== 'generator')
    .reduce((sum, [, seconds]) => sum + seconds, 0)
  const idleSeconds =
    idleMsPerSecond === undefined
      ? undefined
      : (Object.values(idleMsPerSecond).reduce((sum, ms) => sum + ms, 0) * run.result.seconds) / 1000
  return {
    endpoint,
    marginalShopCpuMsPerRequest: idleSeconds === undefined ? undefined : perRequest(shopSeconds - idleSeconds),
    succeededPerSecond: round(run.result.succeeded / run.result.seconds, 0),
    p99: round(summary.p99),
    errors: summary.errors,
    shopCpuMsPerRequest: perRequest(shopSeconds),
    cpuMsPerRequest: Object.fromEntries(Object.entries(run.cpuSeconds).map(([name, s]) => [name, perRequest(s)])),
    machineBusyPercent: run.machineBusyPercent,
  }
}
