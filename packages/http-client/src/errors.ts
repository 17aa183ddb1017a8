import { defineError, type SeamsErrorClass } from '@seams/core'

/** The dependency could not be reached in time, answered 5xx, or is shielded by an open circuit or full bulkhead. */
export const UpstreamUnavailable = defineError(
  'UpstreamUnavailable',
  'SEAMS_HTTP_UPSTREAM_UNAVAILABLE',
  'unavailable',
  'Dependency unavailable',
)
/** The dependency answered 4xx to a call this service made: a contract mismatch, not the end user's fault. */
export const UpstreamRejected = defineError(
  'UpstreamRejected',
  'SEAMS_HTTP_UPSTREAM_REJECTED',
  'illegal_state',
  'Dependency rejected the call',
)

export const httpClientErrors: readonly SeamsErrorClass[] = [UpstreamUnavailable, UpstreamRejected]
