import type { OrderTimeline, Snapshot } from '../src/snapshot.ts'

const tokenKey = 'seams-console-token'

export interface Session {
  token: string
  email: string
}

export function savedSession(): Session | undefined {
  const saved = sessionStorage.getItem(tokenKey)
  return saved === null ? undefined : (JSON.parse(saved) as Session)
}

export function forgetSession(): void {
  sessionStorage.removeItem(tokenKey)
}

export class ApiError extends Error {
  readonly status: number
  constructor(message: string, status: number) {
    super(message)
    this.status = status
  }
}

async function answerOf<T>(response: Response): Promise<T> {
  const text = await response.text()
  const body = text === '' ? undefined : (JSON.parse(text) as T & { detail?: string })
  if (!response.ok) throw new ApiError(body?.detail ?? `${response.status} ${response.statusText}`, response.status)
  return body as T
}

export async function login(email: string, password: string): Promise<Session> {
  const response = await fetch('/console/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  const { accessToken, email: who } = await answerOf<{ accessToken: string; email: string }>(response)
  const session = { token: accessToken, email: who }
  sessionStorage.setItem(tokenKey, JSON.stringify(session))
  return session
}

export function api(session: Session) {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    answerOf<T>(
      await fetch(`/console/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${session.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
  return {
    placeOrder: () => request<{ orderId: string; status: string }>('POST', '/orders', {}),
    recentOrders: () => request<{ orders: { orderId: string; placedAt: string }[] }>('GET', '/orders'),
    timeline: (orderId: string) => request<OrderTimeline>('GET', `/orders/${orderId}/timeline`),
    service: (name: string, action: 'stop' | 'start') => request('POST', `/services/${name}/${action}`),
    simulator: (settings: NonNullable<Snapshot['simulator']>) => request('PUT', '/simulator', settings),
    consumer: (service: string, consumer: string, action: 'pause' | 'resume') =>
      request('POST', `/consumers/${service}/${consumer}/${action}`),
    retry: (service: string, ids?: number[]) =>
      request('POST', `/dead-letters/${service}/retry`, ids === undefined ? {} : { ids }),
    dropConnection: (service: string) => request('POST', `/transport/${service}/reconnect`),
    rebuild: (service: string, projection: string) => request('POST', `/rebuilds/${service}/${projection}`),
  }
}

export type Api = ReturnType<typeof api>

/**
 * Follows the console's server-sent events. EventSource cannot send the access token, so the stream is read
 * with fetch; it reconnects after a second when it breaks, and stops on 401/403.
 */
export function followSnapshots(
  session: Session,
  onSnapshot: (snapshot: Snapshot) => void,
  onState: (state: 'live' | 'reconnecting' | 'refused') => void,
): () => void {
  const abort = new AbortController()
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await fetch('/console/api/stream', {
          headers: { authorization: `Bearer ${session.token}`, accept: 'text/event-stream' },
          signal: abort.signal,
        })
        if (response.status === 401 || response.status === 403) {
          onState('refused')
          return
        }
        if (!response.ok || response.body === null) throw new Error(String(response.status))
        onState('live')
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n')
            if (data !== '') onSnapshot(JSON.parse(data) as Snapshot)
          }
        }
      } catch {
        if (abort.signal.aborted) return
      }
      onState('reconnecting')
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  void run()
  return () => abort.abort()
}
