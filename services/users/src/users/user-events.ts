import {
  createEnvelope,
  formatTraceparent,
  type EnvelopeFactoryDeps,
  type EventEnvelope,
  type TraceContext,
} from '@seams/core'
import { UserDeactivatedV1, UserProfileChangedV1, UserRegisteredV1, type User } from '@shop/users-contracts'

// Events made outside a request (the bootstrap admin at start) have no trace to continue.
const traceparentOf = (trace: TraceContext | undefined) => (trace === undefined ? undefined : formatTraceparent(trace))

export function userRegistered(deps: EnvelopeFactoryDeps, user: User, trace?: TraceContext): EventEnvelope {
  return createEnvelope(deps, UserRegisteredV1, {
    subject: user.id,
    aggregateVersion: user.version,
    data: { userId: user.id, email: user.email, name: user.name, role: user.role },
    traceparent: traceparentOf(trace),
  })
}

export function userProfileChanged(deps: EnvelopeFactoryDeps, user: User, trace: TraceContext): EventEnvelope {
  return createEnvelope(deps, UserProfileChangedV1, {
    subject: user.id,
    aggregateVersion: user.version,
    data: { userId: user.id, email: user.email, name: user.name },
    traceparent: traceparentOf(trace),
  })
}

export function userDeactivated(deps: EnvelopeFactoryDeps, user: User, trace: TraceContext): EventEnvelope {
  return createEnvelope(deps, UserDeactivatedV1, {
    subject: user.id,
    aggregateVersion: user.version,
    data: { userId: user.id },
    traceparent: traceparentOf(trace),
  })
}
