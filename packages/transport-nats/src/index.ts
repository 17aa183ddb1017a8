export { createNatsTransport } from './nats-transport.ts'
export type { NatsTransport, NatsTransportOptions } from './nats-transport.ts'
export { streamNameOf, subjectsOf, durableNameOf } from './names.ts'
