import type { ReadinessCheck } from '@seams/service-kit'
import type { Upstreams } from '../routing/upstreams.ts'

/**
 * One readiness check per service: its own `/health/ready`, asked with a plain request rather than
 * through the forwarding client, so that probes neither trip the traffic's circuit breaker nor are
 * refused by it once open. The breaker's state is shown next to the answer.
 */
export function upstreamReadiness(
  upstreams: Upstreams,
  options: { timeoutMs: number },
): Record<string, ReadinessCheck> {
  const checks: Record<string, ReadinessCheck> = {}
  for (const upstream of Object.values(upstreams)) {
    checks[upstream.name] = async () => {
      const circuit = upstream.client.circuitState()
      try {
        const response = await fetch(`${upstream.baseUrl.replace(/\/$/, '')}/health/ready`, {
          signal: AbortSignal.timeout(options.timeoutMs),
        })
        await response.body?.cancel()
        return { ok: response.status === 200, detail: { status: response.status, circuit } }
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string } }).cause
        return { ok: false, detail: { error: cause?.code ?? (error as Error).message, circuit } }
      }
    }
  }
  return checks
}
