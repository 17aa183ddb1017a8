import { requireService, type ServiceApp } from '@seams/service-kit'
import { SimulatorSettings } from '@shop/payments-contracts'
import type { SimulatedProvider } from './simulated-provider.ts'

export interface SimulatorDeps {
  simulator: Pick<SimulatedProvider, 'settings' | 'configure'>
  /** Services allowed to read and turn the knobs. */
  paymentCallers: readonly string[]
}

export function simulatorRoutes(app: ServiceApp, deps: SimulatorDeps): void {
  const { simulator } = deps

  // The simulated provider's current knobs.
  app.get('/simulator', { schema: { summary: 'Read the simulated provider\'s settings (services only)', tags: ['simulator'], response: { 200: SimulatorSettings } } }, async (request) => {
    requireService(request, deps.paymentCallers)
    return simulator.settings()
  })

  // The fault suite turns latency, declines, errors and hangs up and down here, without a restart.
  // Each process holds its own simulator: with replicas, set each one.
  app.put('/simulator', { schema: { summary: 'Replace the simulated provider\'s settings (services only)', tags: ['simulator'], body: SimulatorSettings, response: { 200: SimulatorSettings } } }, async (request) => {
    requireService(request, deps.paymentCallers)
    simulator.configure(request.body)
    return simulator.settings()
  })
}
