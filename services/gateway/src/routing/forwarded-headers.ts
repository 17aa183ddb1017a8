import type { IncomingHttpHeaders } from 'node:http'

/**
 * Request headers a service may need from the client. Everything else stays at the edge: above all
 * `authorization` (services trust the gateway's service token, never the client's own) and cookies.
 */
const requestHeaderNames = [
  'accept',
  'accept-language',
  'content-type',
  'idempotency-key',
  'if-match',
  'if-none-match',
] as const

/** Response headers a client may see; the rest (cookies, server internals) stays behind the gateway. */
const responseHeaderNames = ['content-type', 'location', 'retry-after', 'cache-control', 'etag'] as const

export function upstreamRequestHeaders(headers: IncomingHttpHeaders, requestId: string): Record<string, string> {
  const forwarded: Record<string, string> = { 'x-request-id': requestId }
  for (const name of requestHeaderNames) {
    const value = headers[name]
    if (typeof value === 'string') forwarded[name] = value
  }
  return forwarded
}

export function clientResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const passed: Record<string, string | string[]> = {}
  for (const name of responseHeaderNames) {
    const value = headers[name]
    if (value !== undefined) passed[name] = value
  }
  return passed
}
