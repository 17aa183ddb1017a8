import { defineError, type SeamsErrorClass } from '@seams/core'

export const DeadLetterNotFound = defineError(
  'DeadLetterNotFound',
  'SEAMS_INBOX_DEAD_LETTER_NOT_FOUND',
  'not_found',
  'No such dead letter',
)
export const NotConsumerLeader = defineError(
  'NotConsumerLeader',
  'SEAMS_INBOX_NOT_LEADER',
  'unavailable',
  'This replica no longer leads the consumer',
)
export const MalformedEnvelope = defineError(
  'MalformedEnvelope',
  'SEAMS_INBOX_MALFORMED_ENVELOPE',
  'validation',
  'The message is not a well-formed event envelope',
)

export const inboxErrors: readonly SeamsErrorClass[] = [DeadLetterNotFound, NotConsumerLeader, MalformedEnvelope]
