import { build } from 'hdr-histogram-js'
import { Agent, request } from 'undici'
import type { VirtualUser } from './workload.ts'

/**
 * Saga completion as a customer sees it: from the 202 to the moment the order-history view shows the order
 * CONFIRMED or REJECTED. One order in `sampleEvery` is followed (polled every 20 ms), so that the polling
 * stays a small part of the load; it is reported with the figures.
 */
export function createSagaTracker(gateway: string, sampleEvery: number) {
  const agent = new Agent({ connections: 64 })
  const completion = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  })
  const outcomes: Record<string, number> = {}
  const following = new Set<Promise<void>>()
  let seen = 0
  let polls = 0

  async function follow(orderId: string, acceptedAt: number, token: string): Promise<void> {
    const deadline = acceptedAt + 60_000
    while (Date.now() < deadline) {
      polls += 1
      const response = await request(`${gateway}/api/order-history/${orderId}`, {
        dispatcher: agent,
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined)
      const body =
        response === undefined
          ? undefined
          : ((await response.body.json().catch(() => undefined)) as { status?: string } | undefined)
      if (body?.status === 'CONFIRMED' || body?.status === 'REJECTED') {
        completion.recordValue(Math.max(1, (Date.now() - acceptedAt) * 1000))
        outcomes[body.status] = (outcomes[body.status] ?? 0) + 1
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    outcomes['not settled in 60 s'] = (outcomes['not settled in 60 s'] ?? 0) + 1
  }

  return {
    accepted(orderId: string, acceptedAt: number, user: VirtualUser) {
      seen += 1
      if (seen % sampleEvery !== 0) return
      const task = follow(orderId, acceptedAt, user.token).finally(() => following.delete(task))
      following.add(task)
    },
    async result() {
      await Promise.allSettled([...following])
      await agent.close()
      return {
        followed: completion.totalCount,
        polls,
        outcomes,
        ms: {
          p50: completion.getValueAtPercentile(50) / 1000,
          p99: completion.getValueAtPercentile(99) / 1000,
          max: completion.maxValue / 1000,
        },
      }
    },
  }
}
