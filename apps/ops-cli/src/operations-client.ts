import { setTimeout as sleep } from 'node:timers/promises'
import { createServiceAuth } from '@seams/service-kit'

export interface OperationsClientOptions {
  /** The service's base URL. */
  url: string
  /** The operator identity's private key: services accept its tokens on their /ops routes. */
  operatorKey: string
  /** The service's name: the audience of the token. */
  service: string
}

/** Calls a service's /ops routes as the `operator` identity. */
export function createOperationsClient(options: OperationsClientOptions) {
  const operator = createServiceAuth({ service: 'operator', privateKey: options.operatorKey, peers: {} })
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${options.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await operator.tokenFor(options.service)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${options.service} answered ${response.status}: ${text}`)
    return JSON.parse(text) as T
  }
  return {
    events: () => request<unknown>('GET', '/ops/events'),
    deadLetters: (query: { consumer?: string; includeResolved?: boolean }) => {
      const params = new URLSearchParams()
      if (query.consumer !== undefined) params.set('consumer', query.consumer)
      if (query.includeResolved === true) params.set('includeResolved', 'true')
      return request<{
        deadLetters: {
          id: number
          consumer: string
          type: string
          subject: string
          error: string
          attempts: number
          deadAt: string
          resolvedAt: string | null
        }[]
      }>('GET', `/ops/dead-letters?${params}`)
    },
    retry: (body: { ids?: number[]; consumer?: string }) =>
      request<{ marked: number }>('POST', '/ops/dead-letters/retry', body),
    /** Starts a rebuild and follows it until it is done; `onProgress` sees each step. */
    async rebuild(projection: string, onProgress: (progress: unknown) => void): Promise<void> {
      await request('POST', `/ops/projections/${projection}/rebuild`)
      for (;;) {
        await sleep(250)
        const state = await request<{ running: boolean; error: string | null; progress: unknown }>(
          'GET',
          `/ops/projections/${projection}/rebuild`,
        )
        onProgress(state.progress)
        if (state.error !== null) throw new Error(`rebuild of ${projection} failed: ${state.error}`)
        if (!state.running) return
      }
    },
  }
}
