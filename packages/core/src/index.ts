export {
  SeamsError,
  defineError,
  coreErrors,
  NotFound,
  Conflict,
  Unauthenticated,
  Forbidden,
  Unprocessable,
  Unavailable,
  InvalidEvent,
} from './errors.ts'
export type { ErrorCategory, ErrorCodeContract, SeamsErrorClass, SeamsErrorOptions } from './errors.ts'
export { problem, problemFromError, httpStatusOf, problemTitleOf, PROBLEM_CONTENT_TYPE } from './problem-details.ts'
export type { ProblemDetails } from './problem-details.ts'
export { newId, systemClock } from './ids.ts'
export type { Clock, IdGenerator } from './ids.ts'
export { parseTraceparent, startSpan, formatTraceparent } from './trace-context.ts'
export {
  tracingEnabled,
  eventTraceContext,
  traceContextOf,
  spanContextOf,
  contextWithParent,
  linkTo,
  linksTo,
  insideRecordingSpan,
  failSpan,
  inSpan,
  messagingAttributes,
} from './tracing.ts'
export type { InSpanOptions } from './tracing.ts'
export { withDeadline } from './deadline.ts'
export { USER_TOKEN_HEADER } from './identity.ts'
export { seededRandom } from './seeded-random.ts'
export { backoffDelay } from './backoff.ts'
export type { BackoffOptions } from './backoff.ts'
export { faultPoint, armFaultPoints } from './fault-points.ts'
export type { FaultPointName } from './fault-points.ts'
export type { Logger } from './logger.ts'
export type { TraceContext } from './trace-context.ts'
export { createEnvelope, schemaId, dataschemaOf, parseDataschema } from './envelope.ts'
export type {
  EventContract,
  EventData,
  EventEnvelope,
  DeliveredEvent,
  NewEvent,
  EnvelopeFactoryDeps,
} from './envelope.ts'
export type {
  Transport,
  StampedRecord,
  BatchHandler,
  SubscribeOptions,
  Subscription,
  ConsumerLag,
} from './transport.ts'
