import { fileURLToPath } from 'node:url'

export { createOutbox } from './outbox.ts'
export type { Outbox, OutboxOptions } from './outbox.ts'
export { UnknownEventContract, EventDataInvalid, FeedPurged, outboxErrors } from './errors.ts'

/** The outbox's tables, for the producer's migrations (component `seams-outbox`). */
export const outboxMigrations = {
  component: 'seams-outbox',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
}
