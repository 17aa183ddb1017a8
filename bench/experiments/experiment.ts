import type { Topology } from '@shop/launcher'

/** One figure of an experiment, measured on each topology. */
export interface Figure {
  name: string
  owned: number | string
  shared: number | string
  /** How to read it, e.g. "fewer is better". */
  note?: string
}

/** What an experiment found: the seed's claim it tests, the figures for both topologies, a verdict. */
export interface ExperimentResult {
  id: string
  title: string
  /** The sentence of seed 002 this experiment puts to the test. */
  claim: string
  figures: Figure[]
  /** One line; it may favour either topology. */
  verdict: string
  /** What was done, and what was observed beyond the figures (one line each). */
  notes: string[]
  /** SVG charts by file name (without extension). */
  charts: Record<string, string>
  /** Raw measurements, as they were taken. */
  raw: Partial<Record<Topology, unknown>>
}

export interface ExperimentContext {
  /** Administrator URL of the PostgreSQL that gets the shops' databases. */
  adminPgUrl: string
  /** Smaller and shorter: the harness's smoke run. */
  quick: boolean
  seed: number
  log(line: string): void
}

export interface Experiment {
  id: string
  run(context: ExperimentContext): Promise<ExperimentResult>
}
