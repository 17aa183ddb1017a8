import { fileURLToPath } from 'node:url'

export { defineSaga } from './saga-definition.ts'
export type { SagaDefinition, SagaStep, StepContext, StepOutcome } from './saga-definition.ts'
export { createSagaRunner } from './saga-runner.ts'
export type { SagaRunner, SagaRunnerOptions } from './saga-runner.ts'

/** The saga tables, for the owning service's migrations (component `seams-saga`). */
export const sagaMigrations = {
  component: 'seams-saga',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
}
