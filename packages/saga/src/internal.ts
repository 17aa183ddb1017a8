// The runner's decisions, for the toolkit's own specs and tooling, as `@seams/saga/internal`: a service
// defines sagas and runs them with createSagaRunner.
export * from './index.ts'
export { sagaDecider, evolveSaga, begunSaga } from './saga-decisions.ts'
export type {
  SagaCommand,
  SagaDecision,
  SagaDecider,
  SagaDecisionOptions,
  SagaPosition,
  SagaShape,
} from './saga-decisions.ts'
