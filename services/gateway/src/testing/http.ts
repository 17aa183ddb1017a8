import { request } from 'node:http'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json<T = Record<string, unknown>>(): T
}

export interface RawRequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Source address on the loopback network, so that one test's client gets an IP (and a rate limit) of its own. */
  localAddress?: string
}

/**
 * An HTTP request whose target is sent exactly as written: `fetch` resolves `..` before sending,
 * which would hide exactly the paths the gateway must refuse.
 */
export function rawRequest(baseUrl: string, target: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port,
        path: target,
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text) })
        })
      },
    )
    outgoing.on('error', reject)
    outgoing.end(options.body)
  })
}
