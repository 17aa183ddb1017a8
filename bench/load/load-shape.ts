/** How the offered load is given on the command line: a think time per user, or a rate for all of them. */
export interface LoadShapeInput {
  users: number
  /** `--interval`: mean milliseconds between two requests of one user. */
  intervalMs?: number
  /** `--rate`: requests per second offered by all users together. */
  ratePerSecond?: number
}

export const defaultIntervalMs = 2000

/** Users × 1000 / interval = offered rate, so `--rate` sets the interval from the number of users. */
export function intervalForRate(users: number, ratePerSecond: number): number {
  if (!(users > 0) || !(ratePerSecond > 0))
    throw new Error(`users and rate must be positive (got ${users} users, ${ratePerSecond} req/s)`)
  return (users * 1000) / ratePerSecond
}

export const offeredRate = (users: number, intervalMs: number) => (users * 1000) / intervalMs

/** The mean interval per user; `--rate` and `--interval` say the same thing twice, so only one may be given. */
export function loadShape(input: LoadShapeInput): { intervalMs: number; offered: number } {
  if (input.intervalMs !== undefined && input.ratePerSecond !== undefined)
    throw new Error('give --rate or --interval, not both')
  const intervalMs =
    input.ratePerSecond === undefined
      ? (input.intervalMs ?? defaultIntervalMs)
      : intervalForRate(input.users, input.ratePerSecond)
  if (!(intervalMs > 0)) throw new Error(`the interval must be positive (got ${intervalMs})`)
  return { intervalMs, offered: offeredRate(input.users, intervalMs) }
}

/** `--new-sessions`: a share of requests, as `0.05` or `5%`; at least 0 and below 1. */
export function parseShare(text: string | undefined): number {
  if (text === undefined) return 0
  const share = text.trim().endsWith('%') ? Number(text.trim().slice(0, -1)) / 100 : Number(text)
  if (!Number.isFinite(share) || share < 0 || share >= 1)
    throw new Error(`--new-sessions takes a share from 0 to below 1, like 0.05 or 5% (got ${text})`)
  return share
}
