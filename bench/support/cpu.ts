import { readdirSync, readFileSync } from 'node:fs'

const ticksPerSecond = 100 // USER_HZ on Linux

/** CPU seconds a process has used so far (user + system), from /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond
  } catch {
    return 0
  }
}

/** All processes' CPU seconds on the machine so far, and the machine's idle seconds. */
export function machineCpuSeconds(): { busy: number; idle: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/)
  const numbers = values.map(Number)
  const idle = (numbers[3] ?? 0) + (numbers[4] ?? 0)
  const total = numbers.reduce((sum, value) => sum + value, 0)
  return { busy: (total - idle) / ticksPerSecond, idle: idle / ticksPerSecond }
}

/** Measures how much CPU the machine and some processes used while `work` ran. */
export async function measureCpu<T>(
  pids: Record<string, number>,
  work: () => Promise<T>,
): Promise<{ result: T; machineBusyPercent: number; cpuSeconds: Record<string, number> }> {
  const before = machineCpuSeconds()
  const processesBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]))
  const result = await work()
  const after = machineCpuSeconds()
  const busy = after.busy - before.busy
  const idle = after.idle - before.idle
  return {
    result,
    machineBusyPercent: Math.round((busy / (busy + idle)) * 1000) / 10,
    cpuSeconds: Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [
        name,
        Math.round((processCpuSeconds(pid) - processesBefore[name]!) * 100) / 100,
      ]),
    ),
  }
}

/** Every running process whose command name is `command`, e.g. all PostgreSQL backends. */
export function pidsOf(command: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command
      } catch {
        return false
      }
    })
    .map(Number)
}

/** CPU seconds of a group of processes, summed; processes that ended in between are lost (short-lived backends). */
export const groupCpuSeconds = (pids: readonly number[]) => pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0)

/** A process and its children (a PostgreSQL server: its postmaster and the backends and workers it forked). */
export function processTree(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid
      } catch {
        return false
      }
    })
    .map(Number)
  return [pid, ...children]
}
