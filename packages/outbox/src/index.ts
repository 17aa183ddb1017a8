import { fileURLToPath } from 'node:url'

export { createOutbox, COMMITTED_CHANNEL, STAMPED_CHANNEL } from './outbox.ts'
export type { Outbox, OutboxOptions } from './outbox.ts'
export { createRelay } from './relay.ts'
export type { Relay, RelayOptions } from './relay.ts'
export { createFeedReader } from './feed-reader.ts'
export type { FeedReader, FeedPage, FeedReadOptions } from './feed-reader.ts'
export { UnknownEventContract, EventDataInvalid, FeedPurged, outboxErrors } from './errors.ts'

/** The outbox's tables, for the producer's migrations (component `seams-outbox`). */
export const outboxMigrations = {
  component: 'seams-outbox',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
}
