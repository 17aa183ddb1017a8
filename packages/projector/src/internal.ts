// Plumbing for @seams/eventing, which runs a projection's consumers and rebuilds, as `@seams/projector/internal`:
// a service defines projections and asks eventing to rebuild them.
export * from './index.ts'
export { liveConsumerName, rebuildConsumerName, shadowTableOf, sharedRowsOrdering } from './projection.ts'
export { rebuildProjection } from './rebuild.ts'
export type { RebuildOptions } from './rebuild.ts'
