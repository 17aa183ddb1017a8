/**
 * The error catalogue of the toolkit. Every error a Seams package throws is a SeamsError with a stable
 * `code` (for programs), a `category` (for the HTTP edge), a readable message and the `cause`.
 */

/** What kind of failure an error is; only the HTTP edge turns this into a status code. */
export type ErrorCategory =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'illegal_state'
  | 'unavailable'
  /** A broken invariant inside the service: logged in full, never described to the client. */
  | 'internal'

export interface SeamsErrorOptions {
  cause?: unknown
  /** Machine-readable context, rendered as extension members of a problem document. */
  details?: Record<string, unknown>
}

export class SeamsError extends Error {
  readonly code: string
  readonly category: ErrorCategory
  readonly details: Record<string, unknown> | undefined

  constructor(code: string, category: ErrorCategory, message: string, options: SeamsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SeamsError'
    this.code = code
    this.category = category
    this.details = options.details
  }
}

/** A SeamsError subclass made by {@link defineError}. */
export interface SeamsErrorClass {
  new (message?: string, options?: SeamsErrorOptions): SeamsError
  readonly code: string
  readonly category: ErrorCategory
  /** The message an instance carries when given none: what the code means, for the error reference. */
  readonly defaultMessage: string
}

/**
 * One problem+json `code` as an HTTP contract publishes it: the status it comes with, the problem's
 * `title` (the status's reason phrase), and what it means for the client. Plain data, so that a
 * contracts package can publish its codes without depending on the toolkit at run time.
 */
export interface ErrorCodeContract {
  readonly status: number
  readonly title: string
  readonly meaning: string
}

const definedCodes = new Map<string, string>()

/**
 * Declares an error class once, in its package's `errors.ts`. Codes are unique across every package
 * loaded in a process: defining a code twice throws at import time, so a clash cannot ship unnoticed.
 */
export function defineError(
  name: string,
  code: string,
  category: ErrorCategory,
  defaultMessage: string,
): SeamsErrorClass {
  if (!/^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(code))
    throw new TypeError(`error code ${code} must look like OWNER_WHAT, e.g. SEAMS_OUTBOX_FEED_PURGED`)
  const owner = definedCodes.get(code)
  if (owner !== undefined) throw new TypeError(`error code ${code} is already used by ${owner}`)
  definedCodes.set(code, name)
  const errorClass = class extends SeamsError {
    static readonly code = code
    static readonly category = category
    static readonly defaultMessage = defaultMessage
    constructor(message: string = defaultMessage, options: SeamsErrorOptions = {}) {
      super(code, category, message, options)
      this.name = name
    }
  }
  Object.defineProperty(errorClass, 'name', { value: name })
  return errorClass
}

export const NotFound = defineError('NotFound', 'SEAMS_CORE_NOT_FOUND', 'not_found', 'Not found')
export const Conflict = defineError('Conflict', 'SEAMS_CORE_CONFLICT', 'conflict', 'Conflict')
export const Unauthenticated = defineError(
  'Unauthenticated',
  'SEAMS_CORE_UNAUTHENTICATED',
  'unauthenticated',
  'Authentication required',
)
export const Forbidden = defineError('Forbidden', 'SEAMS_CORE_FORBIDDEN', 'forbidden', 'Forbidden')
export const Unprocessable = defineError(
  'Unprocessable',
  'SEAMS_CORE_UNPROCESSABLE',
  'unprocessable',
  'Unprocessable request',
)
export const Unavailable = defineError('Unavailable', 'SEAMS_CORE_UNAVAILABLE', 'unavailable', 'Dependency unavailable')
export const InvalidEvent = defineError(
  'InvalidEvent',
  'SEAMS_CORE_INVALID_EVENT',
  'validation',
  'Invalid event envelope',
)

/** Every error class this package defines. */
export const coreErrors: readonly SeamsErrorClass[] = [
  NotFound,
  Conflict,
  Unauthenticated,
  Forbidden,
  Unprocessable,
  Unavailable,
  InvalidEvent,
]
