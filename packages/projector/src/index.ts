export { defineProjection, ensureProjectionTable } from './projection.ts'
export type { Projection, ProjectionSource } from './projection.ts'
export type { RebuildProgress } from './rebuild.ts'
export { RebuildSourceTruncated, projectorErrors } from './errors.ts'
