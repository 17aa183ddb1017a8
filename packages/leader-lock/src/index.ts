export { runWhileLeader } from './leader-lock.ts'
export type { LeaderLock, LeaderLockOptions, LeaderWork } from './leader-lock.ts'
