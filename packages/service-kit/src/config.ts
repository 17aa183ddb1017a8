import type { Static, TObject } from 'typebox'
import Value from 'typebox/value'
import { ConfigInvalid } from './errors.ts'
import { isSecretName, redactCredentials } from './redaction.ts'

export type Environment = Readonly<Record<string, string | undefined>>

// The message names the variable and, unless it may hold a secret, what it was given: a start-up error
// ends up in terminals, CI logs and tickets. A field is secret when its schema says so (`secret: true`),
// or when its name does.
function shown(schema: TObject, name: string, value: unknown): string {
  if (value === undefined) return 'not set'
  if ((schema.properties[name] as { secret?: unknown } | undefined)?.secret === true || isSecretName(name))
    return 'value hidden'
  return `got ${redactCredentials(JSON.stringify(value))}`
}

/**
 * Parses the variables named by `schema` out of `env`, applying defaults and converting strings to
 * the declared types. Fails with one message that names every bad or missing variable, so that a
 * misconfigured process stops at start instead of at its first request. The message never carries a
 * secret: values of variables named like one are left out, and passwords in URLs are shown as `***`.
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
    if (error.keyword === 'required' && missing !== undefined)
      return missing.map((name) => `${name} is required`).join('; ')
    const name = error.instancePath.replace(/^\//, '')
    return `${name} ${error.message} (${shown(schema, name, raw[name])})`
  })
  throw new ConfigInvalid(`Invalid environment: ${[...new Set(problems)].join('; ')}`, { details: { problems } })
}
