export { createEventing, eventsReadiness } from './eventing.ts'
export type { ConsumerDeclaration, Eventing, EventingOptions, EventingLogger, TransportKind } from './eventing.ts'
export { registerOperationsRoutes } from './operations-routes.ts'
