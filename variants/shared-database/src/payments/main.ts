import { apiSecurity, namesOf, requireService, type ServiceApp, type Sql } from '@seams/service-kit'
import { SimulatorSettings } from '@shop/payments-contracts'
import { PaymentsConfig } from '../../../../services/payments/src/config.ts'
import { viewPaymentsRoutes } from '../../../../services/payments/src/view-payments/view-payments.route.ts'
import { initSimulatorSettings, readSimulatorSettings, writeSimulatorSettings } from '../dal/index.ts'
import { startSharedService } from '../shared-service.ts'

// Payments on the shared database: it shows payments and keeps the simulated provider's knobs. The
// payment itself is written by orders' checkout, in the checkout's transaction, on this service's table.
await startSharedService({
  service: 'payments',
  config: PaymentsConfig,
  openapi: {
    title: 'Payments',
    description: 'Payments, one per order, in the shared database.',
    tags: { payments: 'Payments', simulator: 'The simulated payment provider' },
  },
  async routes({ app, sql, config }) {
    await initSimulatorSettings(sql, {
      latencyMs: config.PROVIDER_LATENCY_MS,
      jitterMs: config.PROVIDER_JITTER_MS,
      declineRate: config.PROVIDER_DECLINE_RATE,
      errorRate: config.PROVIDER_ERROR_RATE,
      hangRate: config.PROVIDER_HANG_RATE,
    })
    viewPaymentsRoutes(app, { sql, readers: namesOf(config.PAYMENT_CALLERS) })
    simulatorRoutes(app, { sql, operators: namesOf(config.OPERATORS) })
  },
})

function simulatorRoutes(app: ServiceApp, deps: { sql: Sql; operators: readonly string[] }): void {
  // The simulated provider's current knobs, as every checkout reads them.
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
      return (await readSimulatorSettings(deps.sql))!
    },
  )

  // One row for the whole shop: every orders process's checkout picks the new knobs up within a second.
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
      await writeSimulatorSettings(deps.sql, request.body)
      return (await readSimulatorSettings(deps.sql))!
    },
  )
}
