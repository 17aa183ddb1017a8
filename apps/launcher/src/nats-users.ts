import { readFileSync } from 'node:fs'
import type { NatsServerUser } from '@seams/provisioning'
import { natsPermissions, streamNaming, type NatsRole } from '@seams/transport-nats'
import { serviceNames, type ServiceName } from './topology.ts'

/** Services that publish events, each to a stream of its own named after it. */
export const eventProducers: readonly ServiceName[] = ['users', 'catalog', 'orders', 'payments']

/**
 * The sources a service consumes, from the event types its package.json declares (`seams.consumes`):
 * the declaration the contract registry reads and the eventing wiring enforces, so NATS grants no more.
 */
export function declaredSources(service: ServiceName): string[] {
  const manifest = new URL(`../../../services/${service}/package.json`, import.meta.url)
  const consumes =
    (JSON.parse(readFileSync(manifest, 'utf8')) as { seams?: { consumes?: string[] } }).seams?.consumes ?? []
  return [...new Set(consumes.map((type) => type.slice(0, type.indexOf('.'))))].sort()
}

export function natsRoleOf(service: ServiceName): NatsRole {
  return {
    user: service,
    produces: eventProducers.includes(service) ? service : undefined,
    consumes: declaredSources(service),
  }
}

/** One NATS user per service, with its password and the permissions of its role, for the server's configuration. */
export function natsUsersOf(namespace: string, passwords: Readonly<Record<string, string>>): NatsServerUser[] {
  const naming = streamNaming(namespace)
  return serviceNames.map((service) => {
    const password = passwords[service]
    if (password === undefined) throw new TypeError(`no NATS password for ${service}`)
    return { user: service, password, permissions: natsPermissions(naming, natsRoleOf(service)) }
  })
}
