import { SpanKind, trace, type Attributes } from '@opentelemetry/api'
import { failSpan, inSpan, insideRecordingSpan } from '@seams/core'
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions'
import type { Sql } from 'postgres'

// What postgres.js builds for a tagged template or `unsafe`: a lazy promise run by its first `handle()`.
interface PendingQuery extends Promise<unknown> {
  strings: readonly string[]
  executed: boolean
  handle(): Promise<void>
}

const isQuery = (value: unknown): value is PendingQuery =>
  value instanceof Promise && typeof (value as Partial<PendingQuery>).handle === 'function'

const maxQueryText = 2048

/**
 * postgres.js has no OpenTelemetry instrumentation: this wraps a pool (and every transaction, savepoint and
 * reserved connection it hands out) so that each query run inside a recording span gets a client span of
 * its own (`db.system.name`, `db.namespace`, `db.query.text` with `$n` placeholders, never the values), and
 * each `begin` a `transaction` span its queries nest under. Queries outside any span (pollers, the relay's
 * empty rounds, leader locks) make none: their traces would bury the requests'. Fragments (queries used
 * inside other queries) never run, so they never make a span.
 */
export function tracedSql(sql: Sql, url: string): Sql {
  const parsed = new URL(url)
  const base: Attributes = {
    [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
    [ATTR_DB_NAMESPACE]: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    [ATTR_SERVER_ADDRESS]: parsed.hostname,
    [ATTR_SERVER_PORT]: Number(parsed.port || 5432),
  }
  return wrap(sql, base)
}

function wrap<S extends object>(target: S, base: Attributes): S {
  const wrappers = new Map<PropertyKey, unknown>()
  const wrapperOf = (property: PropertyKey, value: unknown): unknown => {
    if (typeof value !== 'function') return value
    const make = wrapperMakers[property as keyof typeof wrapperMakers]
    if (make === undefined) return value
    let wrapper = wrappers.get(property)
    if (wrapper === undefined) wrappers.set(property, (wrapper = make(value.bind(target), base)))
    return wrapper
  }
  return new Proxy(target, {
    apply(fn, thisArg, args) {
      return traceQuery(Reflect.apply(fn as (...args: unknown[]) => unknown, thisArg, args), base)
    },
    get(object, property) {
      return wrapperOf(property, Reflect.get(object, property))
    },
  })
}

type Callback = (sql: object) => unknown
type Fn = (...args: unknown[]) => unknown

const wrapperMakers = {
  unsafe:
    (unsafe: Fn, base: Attributes) =>
    (...args: unknown[]) =>
      traceQuery(unsafe(...args), base),
  begin:
    (begin: Fn, base: Attributes) =>
    (...args: unknown[]) => {
      const fn = args.pop() as Callback
      const run = () => begin(...args, (tx: object) => fn(wrap(tx, base)))
      if (!insideRecordingSpan()) return run()
      return inSpan(
        '@seams/service-kit',
        'transaction',
        { kind: SpanKind.CLIENT, attributes: { ...base, [ATTR_DB_OPERATION_NAME]: 'transaction' } },
        () => run() as Promise<unknown>,
      )
    },
  savepoint:
    (savepoint: Fn, base: Attributes) =>
    (...args: unknown[]) => {
      const fn = args.pop() as Callback
      return savepoint(...args, (tx: object) => fn(wrap(tx, base)))
    },
  reserve: (reserve: Fn, base: Attributes) => async () => wrap((await reserve()) as object, base),
}

function traceQuery(value: unknown, base: Attributes): unknown {
  if (!isQuery(value)) return value
  const query = value
  const handle = query.handle
  query.handle = function (this: PendingQuery) {
    if (!this.executed && insideRecordingSpan()) startQuerySpan(this, base)
    return handle.call(this)
  }
  return query
}

function startQuerySpan(query: PendingQuery, base: Attributes): void {
  const text =
    query.strings.length === 0
      ? ''
      : query.strings.reduce((sql, part, index) => `${sql}$${index}${part}`).slice(0, maxQueryText)
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY'
  const span = trace.getTracer('@seams/service-kit').startSpan(operation, {
    kind: SpanKind.CLIENT,
    attributes: { ...base, [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_TEXT]: text },
  })
  // The base method: Query's own `then` would start the query again, and its species is a plain Promise.
  void Promise.prototype.then.call(
    query,
    () => span.end(),
    (error: unknown) => {
      failSpan(span, error)
      span.end()
    },
  )
}
