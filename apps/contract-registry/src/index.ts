export { producers, consumers, readBaseline, baselineDirOf } from './shop-contracts.ts'
