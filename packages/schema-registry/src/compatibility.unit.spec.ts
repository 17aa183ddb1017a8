import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { findBreakingChanges } from './compatibility.ts'

const json = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as unknown
const base = Type.Object({
  id: Type.String({ format: 'uuid' }),
  amount: Type.Integer({ minimum: 0 }),
  note: Type.Optional(Type.String()),
})

describe('findBreakingChanges', () => {
  it('accepts an identical schema and changed descriptions', () => {
    expect(findBreakingChanges(json(base), json(base))).toEqual([])
    const described = Type.Object({
      id: Type.String({ format: 'uuid', description: 'the id' }),
      amount: Type.Integer({ minimum: 0 }),
      note: Type.Optional(Type.String()),
    })
    expect(findBreakingChanges(json(base), json(described))).toEqual([])
  })

  it('accepts an added optional property', () => {
    const added = Type.Object({ ...base.properties, currency: Type.Optional(Type.String()) })
    expect(findBreakingChanges(json(base), json(added))).toEqual([])
  })

  it('refuses removed, retyped, newly required and tightened properties', () => {
    expect(
      findBreakingChanges(json(base), json(Type.Object({ id: base.properties.id, note: base.properties.note }))),
    ).toEqual(['$.amount: no longer required', '$.amount: removed property'])
    expect(
      findBreakingChanges(json(base), json(Type.Object({ ...base.properties, amount: Type.Number({ minimum: 0 }) }))),
    ).toEqual(['$.amount: changed type from "integer" to "number"'])
    expect(findBreakingChanges(json(base), json(Type.Object({ ...base.properties, note: Type.String() })))).toEqual([
      '$.note: became required',
    ])
    expect(findBreakingChanges(json(base), json(Type.Object({ ...base.properties, currency: Type.String() })))).toEqual(
      ['$.currency: added required property'],
    )
    expect(
      findBreakingChanges(json(base), json(Type.Object({ ...base.properties, amount: Type.Integer({ minimum: 1 }) }))),
    ).toEqual(['$.amount: changed minimum from 0 to 1'])
  })

  it('refuses changed unions and a property added to a closed object', () => {
    const status = Type.Object(
      { status: Type.Union([Type.Literal('a'), Type.Literal('b')]) },
      { additionalProperties: false },
    )
    const narrower = Type.Object({ status: Type.Union([Type.Literal('a')]) }, { additionalProperties: false })
    expect(findBreakingChanges(json(status), json(narrower))).toEqual(['$.status.anyOf: 2 alternatives became 1'])
    const extended = Type.Object(
      { status: status.properties.status, extra: Type.Optional(Type.String()) },
      { additionalProperties: false },
    )
    expect(findBreakingChanges(json(status), json(extended))).toEqual([
      '$.extra: added property to an object that refused unknown properties',
    ])
  })
})
