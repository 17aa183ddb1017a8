import { createHttpClient, type HttpClient, type TokenSource } from '@seams/http-client'
import type { Registry } from '@seams/service-kit'
import { upstreamNames, type UpstreamName } from './route-table.ts'

/** One service behind the gateway: where it lives and the resilient client that reaches it. */
export interface Upstream {
  name: UpstreamName
  baseUrl: string
  client: HttpClient
}

export type Upstreams = Record<UpstreamName, Upstream>

export interface UpstreamsOptions {
  tokens: TokenSource
  metrics: Registry
  /** Per-attempt timeout; the forwarder also bounds the whole call, retries included, by this. */
  timeoutMs: number
}

/**
 * One client per service, so each gets its own keep-alive pool, breaker and bulkhead: a failing
 * catalog opens the catalog's circuit and leaves the users' calls alone. The client's name is the
 * service token's audience, so it must be the service's own name.
 */
export function createUpstreams(urls: Record<UpstreamName, string>, options: UpstreamsOptions): Upstreams {
  const entries = upstreamNames.map((name): [UpstreamName, Upstream] => [
    name,
    { name, baseUrl: urls[name], client: createHttpClient({ name, baseUrl: urls[name], tokens: options.tokens, metrics: options.metrics, timeoutMs: options.timeoutMs }) },
  ])
  return Object.fromEntries(entries) as Upstreams
}

export async function closeUpstreams(upstreams: Upstreams): Promise<void> {
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.client.close()))
}
