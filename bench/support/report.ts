import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpus } from 'node:os'

/** A Markdown table from rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** The machine a figure was measured on: always printed next to the figure. */
export function machine(): string {
  const list = cpus()
  return `${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`
}

/** Writes `<name>.json` and `<name>.md` under bench/results/<timestamp>/ and returns the folder. */
export function writeResults(
  name: string,
  json: unknown,
  markdown: string,
  folder = join('bench', 'results', new Date().toISOString().replace(/[:.]/g, '-')),
): string {
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(join(folder, `${name}.md`), `${markdown}\n`)
  return folder
}
