import { defineError, type SeamsErrorClass } from '@seams/core'

export const ForeignStream = defineError(
  'ForeignStream',
  'SEAMS_NATS_FOREIGN_STREAM',
  'illegal_state',
  'The stream holds events this producer did not write',
)
export const StreamPurged = defineError(
  'StreamPurged',
  'SEAMS_NATS_STREAM_PURGED',
  'conflict',
  "The stream no longer holds the events after the consumer's position",
)

export const natsTransportErrors: readonly SeamsErrorClass[] = [ForeignStream, StreamPurged]
