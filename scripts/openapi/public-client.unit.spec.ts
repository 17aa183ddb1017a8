import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import openapiTS, { astToString } from 'openapi-typescript'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allDocuments } from './documents.ts'

// The gateway's public description must stay usable by tools: types generated from it with
// openapi-typescript, and a client program written against them, must compile; a wrong program must not.

const client = `
import type { components, paths } from './public-api.ts'

type PlaceOrder = paths['/api/orders']['post']
export const order: PlaceOrder['requestBody']['content']['application/json'] = {
  items: [{ productId: '0190b6a2-7d5e-7000-8000-000000000001', quantity: 2 }],
}
export const key: PlaceOrder['parameters']['header']['idempotency-key'] = 'order-1-key'
export const accepted: PlaceOrder['responses'][202]['content']['application/json'] = {
  orderId: '0190b6a2-7d5e-7000-8000-000000000002',
  status: 'PENDING',
}
export const mismatch: PlaceOrder['responses'][422]['content']['application/problem+json']['code'] =
  'ORDERS_IDEMPOTENCY_MISMATCH'
export const limited: PlaceOrder['responses'][429]['content']['application/problem+json']['code'] =
  'GATEWAY_RATE_LIMITED'

type Login = paths['/api/auth/login']['post']
export const login: Login['requestBody']['content']['application/json'] = { email: 'a@example.com', password: 'x' }
export const token = (answer: Login['responses'][200]['content']['application/json']): string => answer.accessToken

type Details = paths['/api/orders/{id}/details']['get']
export const productNames = (details: Details['responses'][200]['content']['application/json']): string[] =>
  details.products.status === 'ok' ? details.products.data.map((product) => product.name) : []
export const problem: components['schemas']['Problem'] = { type: 'about:blank', title: 'Not Found', status: 404 }
`

const wrong = `
import type { paths } from './public-api.ts'

type PlaceOrder = paths['/api/orders']['post']
export const accepted: PlaceOrder['responses'][202]['content']['application/json'] = { orderId: 'x', status: 'SHIPPED' }
export const code: PlaceOrder['responses'][422]['content']['application/problem+json']['code'] = 'ORDERS_NO_SUCH_CODE'
export const internal: keyof paths = '/api/reservations'
`

function compile(folder: string, file: string): string[] {
  const program = ts.createProgram([join(folder, file)], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
    types: [],
  })
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
}

describe("the gateway's public API description", () => {
  let folder: string

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'seams-public-api-'))
    const { gateway } = await allDocuments()
    writeFileSync(join(folder, 'public-api.ts'), astToString(await openapiTS(gateway as never)))
    writeFileSync(join(folder, 'client.ts'), client)
    writeFileSync(join(folder, 'wrong.ts'), wrong)
  }, 120_000)

  afterAll(() => rmSync(folder, { recursive: true, force: true }))

  it('generates types a client program compiles against', () => {
    expect(compile(folder, 'client.ts')).toEqual([])
  }, 60_000)

  it('rejects a program that uses a status, a code or a path the API does not have', () => {
    const errors = compile(folder, 'wrong.ts')
    expect(errors.some((message) => message.includes('"SHIPPED"'))).toBe(true)
    expect(errors.some((message) => message.includes('"ORDERS_NO_SUCH_CODE"'))).toBe(true)
    expect(errors.some((message) => message.includes('"/api/reservations"'))).toBe(true)
  }, 60_000)
})
