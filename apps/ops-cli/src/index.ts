export { createOperationsClient } from './operations-client.ts'
export type { OperationsClientOptions } from './operations-client.ts'
