import { SeamsError, type ErrorCategory } from './errors.ts'

/** An RFC 9457 problem document. */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  code?: string
  [extension: string]: unknown
}

const statusOf: Record<ErrorCategory, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  illegal_state: 409,
  unavailable: 503,
  internal: 500,
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export function httpStatusOf(category: ErrorCategory): number {
  return statusOf[category]
}

/** The `title` of a problem document with this status: the status's reason phrase. */
export function problemTitleOf(status: number): string {
  return titles[status] ?? 'Error'
}

/** A problem document for a bare status, e.g. one produced by the HTTP framework itself. */
export function problem(status: number, detail?: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  // Extensions never replace the standard members: a detail named `status` would change the HTTP status.
  const body: ProblemDetails = { ...extensions, type: 'about:blank', title: problemTitleOf(status), status }
  if (detail !== undefined) body.detail = detail
  return body
}

/** Renders a SeamsError; the code is a stable, documented identifier clients may branch on. */
export function problemFromError(error: SeamsError): ProblemDetails {
  if (error.category === 'internal')
    return problem(500, 'The service failed to handle the request', { code: error.code })
  return problem(httpStatusOf(error.category), error.message, { ...error.details, code: error.code })
}
