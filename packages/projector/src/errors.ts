import { defineError, type SeamsErrorClass } from '@seams/core'

export const RebuildSourceTruncated = defineError(
  'RebuildSourceTruncated',
  'SEAMS_PROJECTOR_SOURCE_TRUNCATED',
  'conflict',
  'A source of the read model no longer holds its first events, so a rebuild would lack them',
)

export const projectorErrors: readonly SeamsErrorClass[] = [RebuildSourceTruncated]
