import { createServiceAuth } from '@seams/service-kit'

export interface OperatorAnswer<T = unknown> {
  status: number
  body: T
}

export interface OperatorCalls {
  /** Calls `service` as the operator identity; a service that does not answer in time throws. */
  call<T = unknown>(service: string, method: string, path: string, body?: unknown): Promise<OperatorAnswer<T>>
  /** The `/metrics` text of `service`. */
  metrics(service: string): Promise<string>
}

/**
 * The console's calls to the services: signed with the operator's own key, as `npm run seams` signs them, so
 * each service decides for itself what the operator may do (its /ops routes, /metrics, readiness detail).
 */
export function createOperatorCalls(options: {
  operatorKey: string
  urls: Readonly<Record<string, string>>
  /** @default 2000 */
  timeoutMs?: number
}): OperatorCalls {
  const operator = createServiceAuth({ service: 'operator', privateKey: options.operatorKey, peers: {} })
  const timeoutMs = options.timeoutMs ?? 2000
  const send = async (service: string, method: string, path: string, body?: unknown) => {
    const base = options.urls[service]
    if (base === undefined) throw new TypeError(`unknown service ${service}`)
    return fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await operator.tokenFor(service)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
  }
  return {
    async call<T>(service: string, method: string, path: string, body?: unknown) {
      const response = await send(service, method, path, body)
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text === '' ? undefined : JSON.parse(text)
      } catch {
        // Not JSON: handed on as text.
      }
      return { status: response.status, body: parsed as T }
    },
    async metrics(service) {
      const response = await send(service, 'GET', '/metrics')
      if (!response.ok) throw new Error(`${service} /metrics answered ${response.status}`)
      return response.text()
    },
  }
}
