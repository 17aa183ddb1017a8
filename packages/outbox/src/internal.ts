// Plumbing for the toolkit's own wiring (@seams/eventing, the transports, the relay) and its tests, as
// `@seams/outbox/internal`: a service writes events through `Outbox`, and never stamps, relays or signals.
export * from './index.ts'
export { COMMITTED_CHANNEL, STAMPED_CHANNEL, outboxSignals } from './outbox.ts'
export type { OutboxSignals } from './outbox.ts'
export { createRelay } from './relay.ts'
export type { Relay, RelayOptions } from './relay.ts'
export { createFeedReader } from './feed-reader.ts'
export type { FeedReader, FeedPage, FeedReadOptions } from './feed-reader.ts'
