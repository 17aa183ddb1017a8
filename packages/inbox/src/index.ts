import { fileURLToPath } from 'node:url'

export { createConsumer } from './consumer.ts'
export type { Consumer, ConsumerOptions } from './consumer.ts'
export { on, onBatch, isInfrastructureError } from './event-handler.ts'
export type { EventHandler } from './event-handler.ts'
export { listDeadLetters, requestDeadLetterRetry } from './dead-letters.ts'
export type { DeadLetter } from './dead-letters.ts'
export { DeadLetterNotFound, NotConsumerLeader, MalformedEnvelope, inboxErrors } from './errors.ts'

/** The inbox's tables, for the consumer's migrations (component `seams-inbox`). */
export const inboxMigrations = {
  component: 'seams-inbox',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
}
