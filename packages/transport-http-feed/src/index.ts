export { registerFeedRoute } from './feed-route.ts'
export type { FeedRouteOptions } from './feed-route.ts'
export { createHttpFeedTransport } from './http-feed-transport.ts'
export type { HttpFeedTransportOptions } from './http-feed-transport.ts'
