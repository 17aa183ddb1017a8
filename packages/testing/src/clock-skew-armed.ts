// Loaded into a process under test only, before its entry (`--import`, see `clockSkewEnvironment`): the process's
// wall clock (Date, Date.now) reads SEAMS_CLOCK_OFFSET_MS off the machine's, as a host whose NTP failed would.
// Monotonic time (performance.now, timers) is left alone: a skewed host still counts seconds at the usual rate.
const offsetMs = Number(process.env['SEAMS_CLOCK_OFFSET_MS'] ?? '0') || 0

if (offsetMs !== 0) {
  const RealDate = Date
  const now = () => RealDate.now() + offsetMs
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now())
      else super(...(args as [string | number | Date]))
    }

    static override now(): number {
      return now()
    }
  }
  globalThis.Date = SkewedDate as DateConstructor
}
