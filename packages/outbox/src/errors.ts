import { defineError, type SeamsErrorClass } from '@seams/core'

export const UnknownEventContract = defineError(
  'UnknownEventContract',
  'SEAMS_OUTBOX_UNKNOWN_CONTRACT',
  'illegal_state',
  'The event does not match a contract this producer publishes',
)
export const EventDataInvalid = defineError(
  'EventDataInvalid',
  'SEAMS_OUTBOX_EVENT_INVALID',
  'illegal_state',
  'The event data does not match its schema',
)
export const FeedPurged = defineError(
  'FeedPurged',
  'SEAMS_OUTBOX_FEED_PURGED',
  'conflict',
  'The requested events were removed by retention',
)

export const outboxErrors: readonly SeamsErrorClass[] = [UnknownEventContract, EventDataInvalid, FeedPurged]
