export { runWhileLeader } from './leader-lock.ts'
export type { LeaderLock, LeaderLockOptions, LeaderLockLogger, LeaderWork } from './leader-lock.ts'
