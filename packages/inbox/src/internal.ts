// Plumbing for the toolkit (the transports' conformance suite, @seams/eventing) and its tests, as
// `@seams/inbox/internal`: a service declares handlers and reads dead letters through the public API.
export * from './index.ts'
export { syntheticEventId } from './envelope-check.ts'
export { deliveryDecider, freshInOrder } from './consumer-decisions.ts'
export type { DeliveryCommand, DeliveryDecision, DeliveryPolicy, DeliveryState } from './consumer-decisions.ts'
