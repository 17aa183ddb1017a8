import type { Static, TObject } from 'typebox'
import Value from 'typebox/value'
import { ConfigInvalid } from './errors.ts'

export type Environment = Readonly<Record<string, string | undefined>>

/**
 * Parses the variables named by `schema` out of `env`, applying defaults and converting strings to
 * the declared types. Fails with one message that names every bad or missing variable, so that a
 * misconfigured process stops at start instead of at its first request.
 */
export function loadConfig<S extends TObject>(schema: S, env: Environment): Static<S> {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(schema.properties)) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[name] = value
  }
  const converted = Value.Convert(schema, Value.Default(schema, raw))
  if (Value.Check(schema, converted)) return converted as Static<S>
  const problems = [...Value.Errors(schema, converted)].map((error) => {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties
    if (error.keyword === 'required' && missing !== undefined) return missing.map((name) => `${name} is required`).join('; ')
    const name = error.instancePath.replace(/^\//, '')
    return `${name} ${error.message} (got ${isSecret(schema, name) ? 'a value not shown' : JSON.stringify(raw[name])})`
  })
  throw new ConfigInvalid(`Invalid environment: ${[...new Set(problems)].join('; ')}`, { details: { problems } })
}

// Errors end up in logs and terminals. A field is secret when its schema says so (`secret: true`), or
// when its name does, for schemas written before the annotation existed.
function isSecret(schema: TObject, name: string): boolean {
  return (schema.properties[name] as { secret?: unknown } | undefined)?.secret === true || /SECRET|PASSWORD|TOKEN|CREDENTIAL/.test(name)
}
