import type { TObject } from 'typebox'
import { CatalogConfig } from '../../../services/catalog/src/config.ts'
import { GatewayConfig } from '../../../services/gateway/src/config.ts'
import { OrderHistoryConfig } from '../../../services/order-history/src/config.ts'
import { OrdersConfig } from '../../../services/orders/src/config.ts'
import { PaymentsConfig } from '../../../services/payments/src/config.ts'
import { UsersConfig } from '../../../services/users/src/config.ts'
import { LaunchRefused } from './production-mode.ts'
import { environmentOf, identities, serviceNames, type ServiceName, type ShopWiring } from './topology.ts'

/** Each service's configuration schema: what its process reads at start. */
export const serviceConfigs: Record<ServiceName, TObject> = {
  users: UsersConfig,
  catalog: CatalogConfig,
  orders: OrdersConfig,
  payments: PaymentsConfig,
  'order-history': OrderHistoryConfig,
  gateway: GatewayConfig,
}

/** `SEAMS_ORDER_HISTORY_` for order-history: the prefix of the variables `npm start` hands to that service. */
export const prefixOf = (service: ServiceName): string => `SEAMS_${service.toUpperCase().replace(/-/g, '_')}_`

// A wiring of placeholders: only the names of what the launcher sets matter here, never the values.
const placeholderWiring: ShopWiring = {
  ports: Object.fromEntries(serviceNames.map((service) => [service, 1])) as ShopWiring['ports'],
  databaseUrls: Object.fromEntries(
    serviceNames.map((service) => [service, 'postgres://-']),
  ) as ShopWiring['databaseUrls'],
  serviceKeys: Object.fromEntries(identities.map((name) => [name, { privateKey: '-', publicKey: '-' }])),
  transport: 'jetstream',
  natsUrl: 'nats://-',
  natsLogins: Object.fromEntries(serviceNames.map((service) => [service, { user: '-', password: '-' }])),
  redisUrl: 'redis://-',
  admin: { email: '-', password: '-' },
}

/**
 * The variables of `service` an operator may set through `npm start`: its configuration's, less those the
 * launcher wires itself (ports, databases, keys, URLs of the other services, the transport), which would
 * otherwise disagree with what the other services were told.
 */
export function tunableVariablesOf(service: ServiceName): string[] {
  const wired = new Set(Object.keys(environmentOf(service, placeholderWiring)))
  return Object.keys(serviceConfigs[service].properties).filter((name) => !wired.has(name))
}

/**
 * The per-service variables in `env`: `SEAMS_<SERVICE>_<VARIABLE>` becomes `<VARIABLE>` in that service's
 * environment (`SEAMS_GATEWAY_RATE_LIMIT_USER_MAX=100` sets the gateway's RATE_LIMIT_USER_MAX). The launcher's
 * own variables (`launcherOwn`, e.g. SEAMS_GATEWAY_PORT) are not among them. An unknown or wired variable stops
 * the start, naming what may be set.
 */
export function serviceVariablesFrom(
  env: Readonly<Record<string, string | undefined>>,
  launcherOwn: ReadonlySet<string>,
): Partial<Record<ServiceName, Record<string, string>>> {
  const overrides: Partial<Record<ServiceName, Record<string, string>>> = {}
  const problems: string[] = []
  // Longest prefix first, in case one service's name starts with another's.
  const services = [...serviceNames].sort((a, b) => prefixOf(b).length - prefixOf(a).length)
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || launcherOwn.has(name)) continue
    const service = services.find((candidate) => name.startsWith(prefixOf(candidate)))
    if (service === undefined) continue
    const variable = name.slice(prefixOf(service).length)
    const tunable = tunableVariablesOf(service)
    if (!tunable.includes(variable)) {
      problems.push(`${name}: ${service} has no variable ${variable} to set; it has ${tunable.join(', ')}`)
      continue
    }
    ;(overrides[service] ??= {})[variable] = value
  }
  if (problems.length > 0) throw new LaunchRefused(problems)
  return overrides
}

/** The README's table of per-service variables, from the services' own schemas; those of all of them first. */
export function serviceVariablesTable(): string {
  const everyService = tunableVariablesOf(serviceNames[0]!).filter((variable) =>
    serviceNames.every((service) => tunableVariablesOf(service).includes(variable)),
  )
  const row = (service: ServiceName, name: string, variable: string) => {
    const schema = serviceConfigs[service].properties[variable] as { default?: unknown; description?: string }
    const fallback = schema.default === undefined ? '—' : `\`${String(schema.default)}\``
    return `| \`${name}\` | ${fallback} | ${schema.description ?? ''} |`
  }
  const rows = [
    ...everyService.map((variable) => row(serviceNames[0]!, `SEAMS_<SERVICE>_${variable}`, variable)),
    ...serviceNames.flatMap((service) =>
      tunableVariablesOf(service)
        .filter((variable) => !everyService.includes(variable))
        .map((variable) => row(service, `${prefixOf(service)}${variable}`, variable)),
    ),
  ]
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n')
}

const begin = '<!-- service variables: begin (npm run docs:service-variables writes this table) -->'
const end = '<!-- service variables: end -->'

/** `readme` with its table of per-service variables made anew from the services' schemas. */
export function withServiceVariablesTable(readme: string): string {
  const from = readme.indexOf(begin)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) throw new Error(`the README has no ${begin} ... ${end} section`)
  return `${readme.slice(0, from + begin.length)}\n${serviceVariablesTable()}\n${readme.slice(to)}`
}
