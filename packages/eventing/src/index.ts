export { createEventing, eventsReadiness } from './eventing.ts'
export type { ConsumerDeclaration, Eventing, EventingOptions, TransportKind } from './eventing.ts'
export { registerOperationsRoutes } from './operations-routes.ts'
