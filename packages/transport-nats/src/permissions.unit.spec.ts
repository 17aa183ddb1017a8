import { describe, expect, it } from 'vitest'
import { streamNaming } from './names.ts'
import { inboxPrefixOf, isPermissionViolation, natsPermissions } from './permissions.ts'

const naming = streamNaming('shop_1a2b3c4d')

describe('natsPermissions', () => {
  it('lets a producer publish its own subjects and manage its own stream only', () => {
    const { publish, subscribe } = natsPermissions(naming, { user: 'users', produces: 'users', consumes: [] })
    expect(publish.allow).toEqual([
      '$JS.API.INFO',
      'shop_1a2b3c4d.users.>',
      '$JS.API.STREAM.CREATE.SHOP_1A2B3C4D_USERS',
      '$JS.API.STREAM.INFO.SHOP_1A2B3C4D_USERS',
      '$JS.API.STREAM.MSG.GET.SHOP_1A2B3C4D_USERS',
    ])
    expect(subscribe.allow).toEqual(['_INBOX_users.>'])
  })

  it('lets a consumer work its durables on the streams it declares, and create none of them', () => {
    const { publish, subscribe } = natsPermissions(naming, {
      user: 'catalog',
      produces: 'catalog',
      consumes: ['orders'],
    })
    const orders = publish.allow.filter((subject) => subject.includes('ORDERS'))
    expect(orders).toEqual([
      '$JS.API.STREAM.INFO.SHOP_1A2B3C4D_ORDERS',
      '$JS.API.STREAM.MSG.GET.SHOP_1A2B3C4D_ORDERS',
      '$JS.API.CONSUMER.CREATE.SHOP_1A2B3C4D_ORDERS.>',
      '$JS.API.CONSUMER.DURABLE.CREATE.SHOP_1A2B3C4D_ORDERS.>',
      '$JS.API.CONSUMER.INFO.SHOP_1A2B3C4D_ORDERS.>',
      '$JS.API.CONSUMER.DELETE.SHOP_1A2B3C4D_ORDERS.>',
      '$JS.API.CONSUMER.MSG.NEXT.SHOP_1A2B3C4D_ORDERS.>',
      '$JS.ACK.SHOP_1A2B3C4D_ORDERS.>',
    ])
    expect(publish.allow).not.toContain('shop_1a2b3c4d.orders.>')
    expect(subscribe.allow).toEqual([
      '_INBOX_catalog.>',
      '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.SHOP_1A2B3C4D_ORDERS.>',
    ])
  })

  it('grants no wildcard beyond one stream, and no stream deletion or purge', () => {
    const everyone = [
      natsPermissions(naming, { user: 'order-history', consumes: ['users', 'catalog', 'orders', 'payments'] }),
      natsPermissions(naming, { user: 'orders', produces: 'orders', consumes: ['users', 'catalog', 'users'] }),
    ]
    for (const { publish, subscribe } of everyone) {
      for (const subject of [...publish.allow, ...subscribe.allow]) {
        expect(subject).not.toMatch(/^(>|\$JS\.API\.>|\$JS\.ACK\.>|_INBOX\.>|\$JS\.API\.(STREAM|CONSUMER)\.[A-Z.]*>)$/)
        expect(subject).not.toMatch(/DELETE\.[A-Z0-9_]+$|PURGE|STREAM\.UPDATE|STREAM\.DELETE/)
      }
      expect(new Set(publish.allow).size).toBe(publish.allow.length)
    }
  })

  it('gives each user an inbox prefix of its own, outside the `_INBOX.` tree', () => {
    expect(inboxPrefixOf('order-history')).toBe('_INBOX_order-history')
    expect(inboxPrefixOf('a.b*')).toBe('_INBOX_a_b_')
  })
})

describe('isPermissionViolation', () => {
  it("sees the server's refusal through the client's wrapping, and nothing else", () => {
    const refusal = Object.assign(new Error('Permissions Violation for Publish to "x"'), {
      name: 'RequestError',
      cause: { name: 'PermissionViolationError', message: 'x' },
    })
    expect(isPermissionViolation(refusal)).toBe(true)
    expect(isPermissionViolation(new Error('stream not found'))).toBe(false)
    expect(isPermissionViolation(undefined)).toBe(false)
  })
})
