import { describe, expect, it } from 'vitest'
import { natsServerConfig } from './nats-server.ts'

describe('natsServerConfig', () => {
  it('listens on loopback only, with JetStream in the data folder', () => {
    const config = JSON.parse(natsServerConfig({ dataDir: '/data/nats', port: 14222 }))
    expect(config).toEqual({ listen: '127.0.0.1:14222', jetstream: { store_dir: '/data/nats/store' } })
  })

  it('writes each user with its permissions, and passwords verbatim however they are spelled', () => {
    const permissions = {
      publish: { allow: ['$JS.API.INFO', 'shop.orders.>'] },
      subscribe: { allow: ['_INBOX_orders.>'] },
    }
    const config = JSON.parse(
      natsServerConfig({
        dataDir: '/d',
        port: 1,
        users: [
          { user: 'orders', password: 'a$b"c\\d', permissions },
          { user: 'admin', password: 'x' },
        ],
      }),
    )
    expect(config.authorization.users).toEqual([
      { user: 'orders', password: 'a$b"c\\d', permissions },
      { user: 'admin', password: 'x' },
    ])
  })
})
