import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { defaultPorts, type ServiceName } from '@shop/launcher'
import { createOperationsClient } from './operations-client.ts'

const usage = `Usage: npm run seams -- <command> [options]

Commands:
  events <service>                      relay leadership and each consumer's lag
  dead-letters <service>                events a consumer could not apply  [--consumer NAME] [--all]
  retry <service> [ID ...]              apply dead letters again (all unresolved without ids)  [--consumer NAME]
  rebuild <service> <read-model>        replay a read model from the beginning and swap it in, reads going on

Options:
  --url URL        the service's base URL (default: the local shop started by npm start)

The operator's private key comes from SEAMS_OPERATOR_KEY, or else the local shop's .seams/secrets.json
(never from the command line, where other users of the machine could read it).`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    consumer: { type: 'string' },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
})
const [command, service, ...rest] = positionals

function operatorKey(): string {
  const given = process.env['SEAMS_OPERATOR_KEY']
  if (given !== undefined && given !== '') return given
  const file = resolve(process.env['SEAMS_DATA_DIR'] ?? '.seams', 'secrets.json')
  if (!existsSync(file))
    throw new Error(`no operator key: set SEAMS_OPERATOR_KEY, or run from the folder where npm start made ${file}`)
  const key = (JSON.parse(readFileSync(file, 'utf8')) as { serviceKeys?: Record<string, { privateKey: string }> })
    .serviceKeys?.['operator']?.privateKey
  if (key === undefined)
    throw new Error(`${file} holds no operator key: start the shop once with npm start to make one`)
  return key
}

async function main(): Promise<number> {
  if (values.help || command === undefined || service === undefined) {
    console.log(usage)
    return command === undefined || values.help ? 0 : 2
  }
  const ports = defaultPorts(Number(process.env['SEAMS_GATEWAY_PORT'] ?? 8080))
  const url = values.url ?? (service in ports ? `http://127.0.0.1:${ports[service as ServiceName]}` : undefined)
  if (url === undefined) throw new Error(`unknown service ${service}; pass --url`)
  const client = createOperationsClient({ url, operatorKey: operatorKey(), service })
  switch (command) {
    case 'events':
      console.log(JSON.stringify(await client.events(), null, 2))
      return 0
    case 'dead-letters': {
      const { deadLetters } = await client.deadLetters({ consumer: values.consumer, includeResolved: values.all })
      if (deadLetters.length === 0) console.log('No dead letters.')
      for (const letter of deadLetters) {
        console.log(
          `#${letter.id}  ${letter.consumer}  ${letter.type}  ${letter.subject}  attempts=${letter.attempts}  ` +
            `${letter.resolvedAt === null ? 'UNRESOLVED' : `resolved ${letter.resolvedAt}`}\n    ${letter.error}`,
        )
      }
      return 0
    }
    case 'retry': {
      const ids = rest.map(Number)
      if (ids.some((id) => !Number.isInteger(id) || id < 1)) throw new Error('dead letter ids are positive integers')
      const { marked } = await client.retry({ ids: ids.length === 0 ? undefined : ids, consumer: values.consumer })
      console.log(
        `${marked} dead letter(s) will be retried within seconds; ` +
          `check with: npm run seams -- dead-letters ${service} --all`,
      )
      return 0
    }
    case 'rebuild': {
      const projection = rest[0]
      if (projection === undefined) throw new Error('rebuild needs the read model name, e.g. order_history')
      await client.rebuild(projection, (progress) => console.log(JSON.stringify(progress)))
      console.log(`Rebuilt ${projection} and swapped it in.`)
      return 0
    }
    default:
      console.log(usage)
      return 2
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(String((error as Error).message))
    process.exitCode = 1
  },
)
