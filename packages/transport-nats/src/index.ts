export { createNatsTransport } from './nats-transport.ts'
export type { NatsTransport, NatsTransportOptions } from './nats-transport.ts'
export { streamNaming, durableNameOf } from './names.ts'
export type { StreamNaming } from './names.ts'
