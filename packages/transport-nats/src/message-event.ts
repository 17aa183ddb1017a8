import type { DeliveredEvent } from '@seams/core'

/** What a stream message is, as much as the event it carries needs. */
export interface StreamMessage {
  seq: number
  /** The message's data as text. */
  text: string
  /** The event id the relay published it under (`Nats-Msg-Id`), if any. */
  messageId: string | undefined
  /** The event type its subject names. */
  type: string | undefined
}

/**
 * The event a stream message carries, positioned at its stream sequence (set last, so that an envelope's
 * own `position` cannot move the consumer's cursor). A message that is not a JSON object is handed on all
 * the same, its text under `malformed` as the HTTP feed does with such a row, so that the consumer
 * dead-letters it: terminating it here would drop it with nothing but a log line to show for it.
 */
export function eventOfMessage(message: StreamMessage): DeliveredEvent {
  let parsed: unknown
  try {
    parsed = JSON.parse(message.text)
  } catch {
    parsed = undefined
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return { ...(parsed as DeliveredEvent), position: message.seq }
  const standIn: Record<string, unknown> = {
    id: message.messageId,
    type: message.type,
    malformed: message.text.slice(0, 10_000),
    position: message.seq,
  }
  return standIn as unknown as DeliveredEvent
}
