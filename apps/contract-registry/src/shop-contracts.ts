import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProducerContracts } from '@seams/schema-registry'
import { catalogEvents } from '@shop/catalog-contracts'
import { ordersEvents } from '@shop/orders-contracts'
import { paymentsEvents } from '@shop/payments-contracts'
import { usersEvents } from '@shop/users-contracts'

const servicesDir = fileURLToPath(new URL('../../../services/', import.meta.url))

/** Every producer's published event contracts (and the upcasters between their versions). */
export const producers: readonly ProducerContracts[] = [
  { producer: 'catalog', contracts: catalogEvents },
  { producer: 'orders', contracts: ordersEvents },
  { producer: 'payments', contracts: paymentsEvents },
  { producer: 'users', contracts: usersEvents },
]

/** Where a producer's recorded schemas live: next to its contracts, `services/<producer>/contracts/schemas/`. */
export const baselineDirOf = (producer: string) => join(servicesDir, producer, 'contracts', 'schemas')

export function readBaseline(producer: string, schemaId: string): unknown {
  const file = join(baselineDirOf(producer), `${schemaId}.json`)
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
}

/**
 * What each service consumes, from the `seams.consumes` list of its package.json: declared data rather
 * than code, so the registry reads it without importing any service's internals.
 */
export function consumers(): Record<string, string[]> {
  const declared: Record<string, string[]> = {}
  for (const service of readdirSync(servicesDir)) {
    const manifest = join(servicesDir, service, 'package.json')
    if (!existsSync(manifest)) continue
    const consumes = (JSON.parse(readFileSync(manifest, 'utf8')) as { seams?: { consumes?: string[] } }).seams?.consumes
    if (consumes !== undefined) declared[service] = consumes
  }
  return declared
}

export const servicesRoot = dirname(servicesDir)
