export { startShop, databaseNameOf, databaseNamesOf, sharedDatabaseNameOf } from './shop.ts'
export type { ShopOptions, RunningShop } from './shop.ts'
export { generateSecrets, generateProductionSecrets, loadOrCreateSecrets, readSecrets } from './secrets.ts'
export type { ShopSecrets } from './secrets.ts'
export {
  defaultPorts,
  serviceNames,
  databaseOwners,
  environmentOf,
  telemetryEnvironment,
  feedReadersOf,
  synchronousCalls,
} from './topology.ts'
export type { ServiceName, ShopWiring, Topology } from './topology.ts'
export { loadDemoData, demoProducts, demoCustomers } from './demo-data.ts'
export { startTestShop } from './test-shop.ts'
export { startShopConsole } from './shop-console.ts'
export type { TestShop, CallOptions, CallResult } from './test-shop.ts'
export { startPrivateNats } from './private-nats.ts'
export type { PrivateNats, PrivateNatsOptions } from './private-nats.ts'
export { natsUsersOf, natsRoleOf, declaredSources, eventProducers } from './nats-users.ts'
export type { NatsLogin } from './topology.ts'
