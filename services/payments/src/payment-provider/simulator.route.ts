import { apiSecurity, requireService, type ServiceApp } from '@seams/service-kit'
import { SimulatorSettings } from '@shop/payments-contracts'
import type { SimulatedProvider } from './simulated-provider.ts'

export interface SimulatorDeps {
  simulator: Pick<SimulatedProvider, 'settings' | 'configure'>
  /** Identities allowed to read and turn the knobs: operators, never the services that pay. */
  operators: readonly string[]
}

export function simulatorRoutes(app: ServiceApp, deps: SimulatorDeps): void {
  const { simulator } = deps

  // The simulated provider's current knobs.
  app.get(
    '/simulator',
    {
      schema: {
        summary: "Read the simulated provider's settings (operators only)",
        operationId: 'getSimulatorSettings',
        tags: ['simulator'],
        security: apiSecurity.service,
        response: { 200: SimulatorSettings },
      },
    },
    async (request) => {
      requireService(request, deps.operators)
      return simulator.settings()
    },
  )

  // The fault suite turns latency, declines, errors and hangs up and down here, without a restart.
  // Each process holds its own simulator: with replicas, set each one.
  app.put(
    '/simulator',
    {
      schema: {
        summary: "Replace the simulated provider's settings (operators only)",
        operationId: 'configureSimulator',
        tags: ['simulator'],
        security: apiSecurity.service,
        body: SimulatorSettings,
        response: { 200: SimulatorSettings },
      },
    },
    async (request) => {
      requireService(request, deps.operators)
      simulator.configure(request.body)
      return simulator.settings()
    },
  )
}
