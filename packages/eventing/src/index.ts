export { createEventing } from './eventing.ts'
export type { Eventing, EventingOptions, EventingLogger, TransportKind } from './eventing.ts'
