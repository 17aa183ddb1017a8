import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { errorsReferencePath, renderErrorsReference } from './errors-reference.ts'

describe('docs/errors.md', () => {
  it('is what `npm run docs:errors` generates from the code', () => {
    const written = readFileSync(fileURLToPath(new URL(`../../${errorsReferencePath}`, import.meta.url)), 'utf8')
    expect(written, 'docs/errors.md is stale: run npm run docs:errors').toBe(renderErrorsReference())
  })

  it('lists every code once, with a status and a meaning', () => {
    const rows = renderErrorsReference()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
    const codes = rows.map((row) => row.split('|')[1]!.trim())
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes).toEqual(expect.arrayContaining(['`CATALOG_RESERVATION_MISMATCH`', '`SEAMS_HTTP_VALIDATION`']))
    for (const row of rows) expect(row).toMatch(/^\| `[A-Z0-9_]+` \| [1-5]\d\d \| [A-Z][^|]+ \| [^|].+ \|$/)
  })
})
