import type { Registry, ServiceApp } from '@seams/service-kit'
import { Counter, Gauge } from 'prom-client'
import { GatewayOverloaded } from '../errors.ts'

export interface AdmissionOptions {
  /** Client requests answered at once; the next one is refused at once. */
  maxInFlight: number
  /** What the refusal's Retry-After says, in seconds. */
  retryAfterSeconds: number
  metrics?: Registry
}

/**
 * Sheds what the shop cannot take: at most `maxInFlight` client requests are in the shop at once, and the next
 * one gets 503 with Retry-After before any work is spent on it. Without it an overload queues every request
 * (sockets, pools, bulkheads) until timeouts answer them all late and open breakers fail the rest; with it the
 * admitted requests stay fast, since the queue ahead of them is bounded, and the shop is back to normal as soon
 * as the load falls. Requests in flight grow with latency (Little's law), so the limit also trips when a
 * slow dependency backs requests up. Health and metrics live outside this scope and always answer.
 */
export function limitRequestsInFlight(app: ServiceApp, options: AdmissionOptions): void {
  let inFlight = 0
  const registry = options.metrics === undefined ? [] : [options.metrics]
  new Gauge({
    name: 'gateway_requests_in_flight',
    help: 'Client requests the gateway is answering',
    registers: registry,
    collect() {
      this.set(inFlight)
    },
  })
  const shed = new Counter({
    name: 'gateway_requests_shed_total',
    help: 'Client requests refused with 503 because as many as the admission limit were in flight',
    registers: registry,
  })
  app.addHook('onRequest', async (_request, reply) => {
    if (inFlight >= options.maxInFlight) {
      shed.inc()
      reply.header('retry-after', String(options.retryAfterSeconds))
      throw new GatewayOverloaded('The shop is answering as many requests as it can; retry shortly')
    }
    inFlight += 1
    // 'close' comes once the answer is sent or the client has gone, whichever is first.
    reply.raw.once('close', () => {
      inFlight -= 1
    })
  })
}
