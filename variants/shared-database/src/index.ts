import { fileURLToPath } from 'node:url'

/** The processes of the shared-database topology, by the service name whose API each serves. */
export const sharedServices = ['users', 'catalog', 'orders', 'payments', 'order-history'] as const
export type SharedService = (typeof sharedServices)[number]

/** The entry point of one process of the shared-database topology. */
export const sharedEntryOf = (service: SharedService): string =>
  fileURLToPath(new URL(`./${service}/main.ts`, import.meta.url))

/** The migrations folder of the one shared schema. */
export const sharedMigrationsDirectory = fileURLToPath(new URL('../migrations', import.meta.url))
