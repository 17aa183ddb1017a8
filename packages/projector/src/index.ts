export {
  defineProjection,
  ensureProjectionTable,
  liveConsumerName,
  rebuildConsumerName,
  shadowTableOf,
  sourcesTakeTurns,
} from './projection.ts'
export type { Projection, ProjectionSource } from './projection.ts'
export { rebuildProjection } from './rebuild.ts'
export type { RebuildOptions, RebuildProgress } from './rebuild.ts'
export { RebuildSourceTruncated, projectorErrors } from './errors.ts'
