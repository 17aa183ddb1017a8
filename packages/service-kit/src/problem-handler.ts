import { PROBLEM_CONTENT_TYPE, problem, problemFromError, SeamsError, type ProblemDetails } from '@seams/core'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RequestInvalid } from './errors.ts'

interface AjvIssue {
  keyword: string
  instancePath: string
  message?: string
  params: Record<string, unknown>
}

/** `body.items.0.quantity`-style name of the field an Ajv issue is about. */
function fieldOf(context: string, issue: AjvIssue): string {
  const path = issue.instancePath.split('/').filter((part) => part !== '')
  const extra = issue.params['missingProperty'] ?? issue.params['additionalProperty'] ?? issue.params['propertyName']
  if (typeof extra === 'string') path.push(extra)
  return [context, ...path].join('.')
}

function describe(field: string, issue: AjvIssue): string {
  if (issue.keyword === 'required') return `${field} is required`
  if (issue.keyword === 'additionalProperties') return `${field} is not an accepted field`
  return `${field} ${issue.message ?? 'is invalid'}`
}

function validationProblem(error: FastifyError): ProblemDetails {
  const context = error.validationContext ?? 'request'
  const errors = (error.validation as AjvIssue[]).map((issue) => {
    const field = fieldOf(context, issue)
    return { field, message: describe(field, issue) }
  })
  return problem(400, errors.map((entry) => entry.message).join('; '), { code: RequestInvalid.code, errors })
}

// Fastify's own client errors (body too large, bad JSON, wrong media type) keep their status.
function frameworkProblem(error: FastifyError): ProblemDetails | undefined {
  const status = error.statusCode
  if (status === undefined || status < 400 || status >= 500) return undefined
  return problem(status, error.message, { code: error.code })
}

export function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** Every error leaves the service as an RFC 9457 problem document; only 5xx are logged as errors. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let body: ProblemDetails
    if (error.validation !== undefined) body = validationProblem(error)
    else if (error instanceof SeamsError) body = problemFromError(error)
    else body = frameworkProblem(error) ?? problem(500, 'The service failed to handle the request')
    body.instance = request.url
    if (body.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.debug({ err: error }, 'request rejected')
    return sendProblem(reply, body)
  })
  app.setNotFoundHandler((request, reply) => {
    sendProblem(
      reply,
      problem(404, `No route ${request.method} ${request.url.split('?')[0]}`, { instance: request.url }),
    )
  })
}
