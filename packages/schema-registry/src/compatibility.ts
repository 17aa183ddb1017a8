/**
 * Compares a published event schema with its current definition. Events flow both ways in time:
 * consumers built on the baseline receive new events, and consumers built on the current schema replay
 * old ones, so the set of accepted values must stay the same. The one change allowed is adding an
 * optional property to an object that accepts unknown properties (old consumers ignore it, new
 * consumers find it absent in old events). Anything else needs a new version.
 */
export function findBreakingChanges(baseline: unknown, current: unknown, path = '$'): string[] {
  if (!isObject(baseline) || !isObject(current)) {
    return deepEqual(baseline, current) ? [] : [`${path}: changed from ${show(baseline)} to ${show(current)}`]
  }
  const problems: string[] = []
  const keys = new Set([...Object.keys(baseline), ...Object.keys(current)].filter((key) => !annotations.has(key)))
  for (const key of keys) {
    const before = baseline[key]
    const after = current[key]
    if (key === 'properties') problems.push(...compareProperties(baseline, current, path))
    else if (key === 'required') problems.push(...compareRequired(baseline, current, path))
    else if (before === undefined) problems.push(`${path}: added constraint ${key} = ${show(after)}`)
    else if (after === undefined) problems.push(`${path}: removed constraint ${key} (was ${show(before)})`)
    else if (key === 'items' || key === 'not') problems.push(...findBreakingChanges(before, after, `${path}.${key}`))
    else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(before) && Array.isArray(after))
      problems.push(...compareBranches(before, after, `${path}.${key}`))
    else if (!deepEqual(before, after)) problems.push(`${path}: changed ${key} from ${show(before)} to ${show(after)}`)
  }
  return problems
}

const annotations = new Set(['description', 'title', 'examples', '$comment', 'default', '$id'])

function compareProperties(
  baseline: Record<string, unknown>,
  current: Record<string, unknown>,
  path: string,
): string[] {
  const before = (baseline['properties'] ?? {}) as Record<string, unknown>
  const after = (current['properties'] ?? {}) as Record<string, unknown>
  const required = new Set((current['required'] ?? []) as string[])
  const problems: string[] = []
  for (const name of Object.keys(before)) {
    if (!(name in after)) problems.push(`${path}.${name}: removed property`)
    else problems.push(...findBreakingChanges(before[name], after[name], `${path}.${name}`))
  }
  for (const name of Object.keys(after)) {
    if (name in before) continue
    if (required.has(name)) problems.push(`${path}.${name}: added required property`)
    else if (baseline['additionalProperties'] === false)
      problems.push(`${path}.${name}: added property to an object that refused unknown properties`)
  }
  return problems
}

// A property newly added as required is reported by compareProperties, not twice here.
function compareRequired(baseline: Record<string, unknown>, current: Record<string, unknown>, path: string): string[] {
  const was = new Set((baseline['required'] ?? []) as string[])
  const now = new Set((current['required'] ?? []) as string[])
  const existed = (baseline['properties'] ?? {}) as Record<string, unknown>
  return [
    ...[...was].filter((name) => !now.has(name)).map((name) => `${path}.${name}: no longer required`),
    ...[...now].filter((name) => !was.has(name) && name in existed).map((name) => `${path}.${name}: became required`),
  ]
}

function compareBranches(before: unknown[], after: unknown[], path: string): string[] {
  if (before.length !== after.length) return [`${path}: ${before.length} alternatives became ${after.length}`]
  return before.flatMap((branch, index) => findBreakingChanges(branch, after[index], `${path}[${index}]`))
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (!isObject(value)) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  )
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value))
