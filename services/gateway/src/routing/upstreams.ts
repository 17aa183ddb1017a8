import { createHttpClient, type CallOptions, type HttpClient, type TokenSource } from '@seams/http-client'
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
  const clientOf = (name: UpstreamName) =>
    createHttpClient({
      name,
      baseUrl: urls[name],
      tokens: options.tokens,
      metrics: options.metrics,
      timeoutMs: options.timeoutMs,
    })
  const entries = upstreamNames.map((name): [UpstreamName, Upstream] => [
    name,
    {
      name,
      baseUrl: urls[name],
      client: name === 'users' ? withOwnAuthClient(clientOf(name), urls[name], options) : clientOf(name),
    },
  ])
  return Object.fromEntries(entries) as Upstreams
}

// Login and sign-up, the calls users throttles per account and sheds under load by design.
const isAuthCall = (method: string, path: string) =>
  /^\/auth(\/|\?|$)/.test(path) || (method === 'POST' && /^\/users(\?|$)/.test(path))

/**
 * Login and sign-up through a client of their own: their 429s and 503s under an attack would otherwise
 * open the circuit that every profile read goes through. Its 429s (one account's, or one email's) do
 * not count against its own circuit either, or one guesser would shut login for everybody.
 */
function withOwnAuthClient(users: HttpClient, baseUrl: string, options: UpstreamsOptions): HttpClient {
  // Named apart in the metrics; still a token for the users service.
  const tokens: TokenSource = { tokenFor: () => options.tokens.tokenFor(users.name) }
  const auth = createHttpClient({
    name: 'users-auth',
    baseUrl,
    tokens,
    metrics: options.metrics,
    timeoutMs: options.timeoutMs,
    rateLimitedIsFailure: false,
  })
  return {
    name: users.name,
    forward: (request) => (isAuthCall(request.method, request.path) ? auth : users).forward(request),
    call: <T>(call: CallOptions, accept?: readonly (number | string)[]) =>
      (isAuthCall(call.method, call.path) ? auth : users).call<T>(call, accept),
    circuitState: () => users.circuitState(),
    close: async () => {
      await Promise.all([users.close(), auth.close()])
    },
  }
}

export async function closeUpstreams(upstreams: Upstreams): Promise<void> {
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.client.close()))
}
