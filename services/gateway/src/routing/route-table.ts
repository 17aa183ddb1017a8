/** The services the gateway forwards to. */
export const upstreamNames = ['users', 'catalog', 'orders', 'payments', 'order-history'] as const
export type UpstreamName = (typeof upstreamNames)[number]

/** A public path prefix and the service that owns everything under it. */
export interface ForwardRoute {
  /**
   * Public prefix, matched as a whole path segment: `/api/products` matches `/api/products/1`, never `/api/productsX`.
   */
  prefix: string
  upstream: UpstreamName
  /** The same resources' path on the upstream. */
  target: string
}

/**
 * What the gateway forwards, and nothing else. Services' internal endpoints (`/reservations`,
 * `/events`, `/simulator`, health) have no prefix here, so they stay out of reach.
 */
export const forwardRoutes: readonly ForwardRoute[] = [
  { prefix: '/api/users', upstream: 'users', target: '/users' },
  { prefix: '/api/auth', upstream: 'users', target: '/auth' },
  { prefix: '/api/products', upstream: 'catalog', target: '/products' },
  { prefix: '/api/orders', upstream: 'orders', target: '/orders' },
  { prefix: '/api/payments', upstream: 'payments', target: '/payments' },
  { prefix: '/api/order-history', upstream: 'order-history', target: '/order-history' },
]

export type RouteResolution =
  | { kind: 'forward'; upstream: UpstreamName; path: string }
  | { kind: 'no_route' }
  /** The path would mean something else once a URL parser normalises it: dot segments, encoded slashes. */
  | { kind: 'unsafe_path' }

// Visible ASCII only, and no fragment or backslash: HTTP clients never send those in a request target,
// and URL parsers on the way (undici's among them) would rewrite them.
const safeTarget = /^[\x21-\x7e]*$/
const rewrittenByParsers = /[#\\]/

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/**
 * True when every segment means exactly what it says. The forwarded URL goes through a WHATWG URL
 * parser, which resolves `..` and `%2e%2e` alike, so `/api/products/%2e%2e/reservations` would
 * otherwise reach the catalog's internal `/reservations`.
 */
export function isCanonicalPath(pathname: string): boolean {
  if (!safeTarget.test(pathname) || rewrittenByParsers.test(pathname)) return false
  return pathname.split('/').every((segment) => {
    const decoded = decodeSegment(segment)
    // Control characters are exactly what a path must not smuggle through to a service.
    // eslint-disable-next-line no-control-regex
    return decoded !== undefined && decoded !== '.' && decoded !== '..' && !/[/\\\x00-\x1f\x7f]/.test(decoded)
  })
}

/** Where a raw request target (path and query, as received) goes; query strings pass unchanged. */
export function resolveRoute(routes: readonly ForwardRoute[], rawUrl: string): RouteResolution {
  const queryStart = rawUrl.indexOf('?')
  const pathname = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart)
  const query = queryStart === -1 ? '' : rawUrl.slice(queryStart)
  const route = routes.find(({ prefix }) => pathname === prefix || pathname.startsWith(`${prefix}/`))
  if (route === undefined) return { kind: 'no_route' }
  if (!isCanonicalPath(pathname) || !safeTarget.test(query) || rewrittenByParsers.test(query))
    return { kind: 'unsafe_path' }
  return { kind: 'forward', upstream: route.upstream, path: route.target + pathname.slice(route.prefix.length) + query }
}
