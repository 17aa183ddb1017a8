import { describe, expect, it } from 'vitest'
import { forwardRoutes, isCanonicalPath, resolveRoute } from './route-table.ts'

const resolve = (url: string) => resolveRoute(forwardRoutes, url)

describe('route table', () => {
  it.each([
    ['/api/users', 'users', '/users'],
    ['/api/users/me', 'users', '/users/me'],
    [
      '/api/users/0190a5f0-0000-7000-8000-000000000001/deactivate',
      'users',
      '/users/0190a5f0-0000-7000-8000-000000000001/deactivate',
    ],
    ['/api/auth/login', 'users', '/auth/login'],
    ['/api/products', 'catalog', '/products'],
    [
      '/api/products/0190a5f0-0000-7000-8000-000000000001/stock-adjustments',
      'catalog',
      '/products/0190a5f0-0000-7000-8000-000000000001/stock-adjustments',
    ],
    ['/api/orders', 'orders', '/orders'],
    ['/api/orders/42', 'orders', '/orders/42'],
    ['/api/payments/7', 'payments', '/payments/7'],
    ['/api/order-history', 'order-history', '/order-history'],
    ['/api/order-history/mine', 'order-history', '/order-history/mine'],
  ])('sends %s to %s as %s', (url, upstream, path) => {
    expect(resolve(url)).toEqual({ kind: 'forward', upstream, path })
  })

  it('keeps the query string exactly as the client wrote it', () => {
    expect(resolve('/api/products?limit=2&after=REVNTy0wMDI%3D')).toEqual({
      kind: 'forward',
      upstream: 'catalog',
      path: '/products?limit=2&after=REVNTy0wMDI%3D',
    })
    expect(resolve('/api/payments?orderId=a&orderId=b')).toEqual({
      kind: 'forward',
      upstream: 'payments',
      path: '/payments?orderId=a&orderId=b',
    })
  })

  it('matches prefixes as whole segments only', () => {
    expect(resolve('/api/productsX')).toEqual({ kind: 'no_route' })
    expect(resolve('/api/orders-admin')).toEqual({ kind: 'no_route' })
    expect(resolve('/api/order-history-x/1')).toEqual({ kind: 'no_route' })
  })

  it.each([
    '/api',
    '/api/',
    '/api/reservations',
    '/api/events',
    '/api/simulator',
    '/api/health/ready',
    '/reservations',
    '/products',
    '/api/%70roducts',
    '/API/products',
  ])('has no route for %s', (url) => {
    expect(resolve(url)).toEqual({ kind: 'no_route' })
  })

  it.each([
    '/api/products/../reservations',
    '/api/products/./x',
    '/api/products/%2e%2e/reservations',
    '/api/products/%2E%2E/reservations',
    '/api/products/.%2e/reservations',
    '/api/products/%2e./events',
    '/api/products/..%2freservations',
    '/api/products/..%2Freservations',
    '/api/products/..%5creservations',
    '/api/products/..\\reservations',
    '/api/products/..',
    '/api/users/me/../../auth',
    '/api/products/%zz',
    '/api/products/a%00b',
    '/api/products/x#/../../reservations',
    '/api/products?x=1#frag',
  ])('refuses %s, which a URL parser would rewrite', (url) => {
    expect(resolve(url)).toEqual({ kind: 'unsafe_path' })
  })

  it('accepts ordinary encoded characters and dots inside names', () => {
    expect(isCanonicalPath('/api/products/caf%C3%A9')).toBe(true)
    expect(isCanonicalPath('/api/products/a.b/..c/c..')).toBe(true)
    // Decoded once by the service's router to the literal text `%2e%2e`: a name, not a step up.
    expect(isCanonicalPath('/api/products/%252e%252e')).toBe(true)
  })
})
