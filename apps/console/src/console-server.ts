import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { ConsoleBundle } from './bundle.ts'
import type { Collector } from './collector.ts'
import { ConsoleRefusal, type Admin } from './console-auth.ts'
import type { ActionLog } from './faults.ts'
import type { OperatorCalls } from './operator-calls.ts'
import { orderTimeline } from './order-timeline.ts'

/** What the console may do to the shop's processes: the launcher's own stop and start. */
export interface ShopControl {
  stop(service: string): Promise<void>
  start(service: string): Promise<unknown>
}

export interface ConsoleServerDeps {
  bundle: ConsoleBundle
  collector: Collector
  calls: OperatorCalls
  actions: ActionLog
  auth: { admin(request: FastifyRequest): Promise<Admin> }
  shop: ShopControl
  gatewayUrl: string
  services: readonly string[]
}

const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
const serviceName = { type: 'string', pattern: '^[a-z-]{1,40}$' } as const
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
    "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

function problem(reply: FastifyReply, status: number, detail: string) {
  return reply
    .code(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', status, title: detail, detail })
}

/**
 * The console's HTTP API and its web app, on one port: `/console/` serves the app, `/console/api/*` answers
 * admins only. Everything it shows or does goes through the services' own APIs, as the operator identity
 * (ops routes, metrics, the payment simulator) or as the admin (placing an order through the gateway).
 */
export async function buildConsoleServer(deps: ConsoleServerDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true })
  const known = new Set(deps.services)
  const checkService = (name: string) => {
    if (!known.has(name)) throw new ConsoleRefusal(404, `no service ${name}`)
  }

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ConsoleRefusal) return problem(reply, error.status, error.message)
    const status = (error as { statusCode?: number }).statusCode ?? 500
    return problem(reply, status, status < 500 ? (error as Error).message : 'The console could not do that')
  })
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(securityHeaders)
  })

  const page = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').send(deps.bundle.html)
  app.get('/', async (_request, reply) => reply.redirect('/console/'))
  app.get('/console', async (_request, reply) => reply.redirect('/console/'))
  app.get('/console/', page)
  app.get('/console/assets/app.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(deps.bundle.js),
  )
  app.get('/console/assets/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(deps.bundle.css),
  )

  // Logging in is the gateway's: the console hands the admin's email and password on and keeps nothing.
  app.post<{ Body: { email: string; password: string } }>(
    '/console/api/session',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'password'],
          properties: {
            email: { type: 'string', minLength: 3, maxLength: 320 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const answer = await fetch(`${deps.gatewayUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(5000),
      })
      const body = (await answer.json().catch(() => ({}))) as { accessToken?: string; detail?: string }
      if (!answer.ok || body.accessToken === undefined)
        return problem(reply, answer.status === 401 ? 401 : answer.status, body.detail ?? 'Login failed')
      request.headers.authorization = `Bearer ${body.accessToken}`
      const admin = await deps.auth.admin(request)
      return { accessToken: body.accessToken, email: admin.email }
    },
  )

  app.register(async (api) => {
    api.decorateRequest('admin', null)
    api.addHook('onRequest', async (request) => {
      ;(request as FastifyRequest & { admin: Admin }).admin = await deps.auth.admin(request)
    })
    const adminOf = (request: FastifyRequest) => (request as FastifyRequest & { admin: Admin }).admin

    api.get('/console/api/snapshot', async () => deps.collector.snapshot() ?? { pending: true })

    // Server-sent events: a snapshot a second, pushed while the page is open.
    api.get('/console/api/stream', async (request, reply) => {
      reply.hijack()
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        ...securityHeaders,
      })
      const send = (snapshot: unknown) => reply.raw.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`)
      const first = deps.collector.snapshot()
      if (first !== undefined) send(first)
      const unsubscribe = deps.collector.subscribe(send)
      request.raw.on('close', unsubscribe)
    })

    api.post<{ Body: { productId?: string; quantity?: number } }>(
      '/console/api/orders',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              productId: { type: 'string', pattern: uuid },
              quantity: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
            },
          },
        },
      },
      async (request, reply) => {
        const token = request.headers.authorization!
        let productId = request.body?.productId
        if (productId === undefined) {
          const products = await fetch(`${deps.gatewayUrl}/api/products?limit=20`, {
            signal: AbortSignal.timeout(5000),
          })
          const page = (await products.json()) as { items?: { id: string; stock?: number; stockOnHand?: number }[] }
          productId = page.items?.find((item) => (item.stockOnHand ?? item.stock ?? 1) > 0)?.id
          if (productId === undefined) return problem(reply, 409, 'No product in stock to order')
        }
        // Placed by the admin, through the gateway, like any customer's order.
        const answer = await fetch(`${deps.gatewayUrl}/api/orders`, {
          method: 'POST',
          headers: {
            authorization: token,
            'content-type': 'application/json',
            'idempotency-key': `console-${crypto.randomUUID()}`,
          },
          body: JSON.stringify({ items: [{ productId, quantity: request.body?.quantity ?? 1 }] }),
          signal: AbortSignal.timeout(10_000),
        })
        return reply
          .code(answer.status)
          .type('application/json')
          .send(await answer.text())
      },
    )

    // The newest orders placed, from orders' outbox.
    api.get('/console/api/orders', async () => {
      const answer = await deps.calls.call<{ events: { subject: string; createdAt: string }[] }>(
        'orders',
        'GET',
        '/ops/outbox?type=orders.OrderPlaced&limit=10',
      )
      if (answer.status !== 200) throw new ConsoleRefusal(503, 'orders does not answer')
      return { orders: answer.body.events.map((event) => ({ orderId: event.subject, placedAt: event.createdAt })) }
    })

    api.get<{ Params: { id: string } }>(
      '/console/api/orders/:id/timeline',
      { schema: { params: { type: 'object', properties: { id: { type: 'string', pattern: uuid } } } } },
      async (request) =>
        orderTimeline(
          deps.calls,
          request.params.id,
          deps.services.filter((service) => service !== 'gateway'),
        ),
    )

    api.post<{ Params: { name: string; action: 'stop' | 'start' } }>(
      '/console/api/services/:name/:action',
      {
        schema: {
          params: {
            type: 'object',
            properties: { name: serviceName, action: { type: 'string', enum: ['stop', 'start'] } },
          },
        },
      },
      async (request) => {
        const { name, action } = request.params
        checkService(name)
        await deps.actions.record(adminOf(request), `${action} service`, name, () =>
          action === 'stop' ? deps.shop.stop(name) : deps.shop.start(name),
        )
        void deps.collector.refresh()
        return { service: name, action }
      },
    )

    api.put<{ Body: Record<string, number> }>(
      '/console/api/simulator',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['latencyMs', 'jitterMs', 'declineRate', 'errorRate', 'hangRate'],
            properties: {
              latencyMs: { type: 'integer', minimum: 0, maximum: 10000 },
              jitterMs: { type: 'integer', minimum: 0, maximum: 10000 },
              declineRate: { type: 'number', minimum: 0, maximum: 1 },
              errorRate: { type: 'number', minimum: 0, maximum: 1 },
              hangRate: { type: 'number', minimum: 0, maximum: 1 },
            },
          },
        },
      },
      async (request) => {
        const settings = request.body
        const target = Object.entries(settings)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')
        return deps.actions.record(adminOf(request), 'set payment simulator', target, async () => {
          const answer = await deps.calls.call('payments', 'PUT', '/simulator', settings)
          if (answer.status !== 200) throw new Error(`payments answered ${answer.status}`)
          return answer.body
        })
      },
    )

    api.post<{ Params: { service: string; consumer: string; action: 'pause' | 'resume' } }>(
      '/console/api/consumers/:service/:consumer/:action',
      {
        schema: {
          params: {
            type: 'object',
            properties: {
              service: serviceName,
              consumer: { type: 'string', pattern: '^[a-z0-9_.-]{1,200}$' },
              action: { type: 'string', enum: ['pause', 'resume'] },
            },
          },
        },
      },
      async (request) => {
        const { service, consumer, action } = request.params
        checkService(service)
        const result = await deps.actions.record(adminOf(request), `${action} consumer`, consumer, async () => {
          const answer = await deps.calls.call(service, 'POST', `/ops/consumers/${consumer}/${action}`)
          if (answer.status !== 200) throw new Error(`${service} answered ${answer.status}`)
          return answer.body
        })
        void deps.collector.refresh()
        return result
      },
    )

    api.post<{ Params: { service: string } }>(
      '/console/api/transport/:service/reconnect',
      { schema: { params: { type: 'object', properties: { service: serviceName } } } },
      async (request) => {
        const { service } = request.params
        checkService(service)
        return deps.actions.record(adminOf(request), 'drop NATS connection', service, async () => {
          const answer = await deps.calls.call(service, 'POST', '/ops/transport/reconnect')
          if (answer.status !== 200) throw new Error(`${service} answered ${answer.status}`)
          return answer.body
        })
      },
    )

    api.post<{ Params: { service: string }; Body: { ids?: number[] } }>(
      '/console/api/dead-letters/:service/retry',
      {
        schema: {
          params: { type: 'object', properties: { service: serviceName } },
          body: {
            type: 'object',
            additionalProperties: false,
            properties: { ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'integer', minimum: 1 } } },
          },
        },
      },
      async (request) => {
        const { service } = request.params
        checkService(service)
        const ids = request.body?.ids
        return deps.actions.record(
          adminOf(request),
          'retry dead letters',
          `${service} ${ids === undefined ? 'all unresolved' : ids.map((id) => `#${id}`).join(' ')}`,
          async () => {
            const answer = await deps.calls.call(
              service,
              'POST',
              '/ops/dead-letters/retry',
              ids === undefined ? {} : { ids },
            )
            if (answer.status !== 202) throw new Error(`${service} answered ${answer.status}`)
            return answer.body
          },
        )
      },
    )

    api.post<{ Params: { service: string; projection: string } }>(
      '/console/api/rebuilds/:service/:projection',
      {
        schema: {
          params: {
            type: 'object',
            properties: { service: serviceName, projection: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' } },
          },
        },
      },
      async (request) => {
        const { service, projection } = request.params
        checkService(service)
        return deps.actions.record(adminOf(request), 'rebuild read model', `${service} ${projection}`, async () => {
          const answer = await deps.calls.call(service, 'POST', `/ops/projections/${projection}/rebuild`)
          if (answer.status !== 202) throw new Error(`${service} answered ${answer.status}`)
          return answer.body
        })
      },
    )
  })
  return app
}
