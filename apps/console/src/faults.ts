import type { Admin } from './console-auth.ts'
import type { ActionView } from './snapshot.ts'

/** The action log: every fault and repair asked for from the console, by whom, and how it went. */
export function createActionLog(options: { onAction?: (action: ActionView) => void; keep?: number }) {
  const actions: ActionView[] = []
  return {
    list: (): ActionView[] => actions.slice(),
    /** Runs `work` and records it, done or failed; the failure is rethrown for the caller's answer. */
    async record<T>(admin: Admin, action: string, target: string, work: () => Promise<T>): Promise<T> {
      const entry = (outcome: ActionView['outcome'], detail?: string) => {
        const view: ActionView = { at: new Date().toISOString(), by: admin.email, action, target, outcome, detail }
        actions.unshift(view)
        actions.splice(options.keep ?? 200)
        options.onAction?.(view)
      }
      try {
        const result = await work()
        entry('done')
        return result
      } catch (error) {
        entry('failed', (error as Error).message)
        throw error
      }
    },
  }
}

export type ActionLog = ReturnType<typeof createActionLog>
