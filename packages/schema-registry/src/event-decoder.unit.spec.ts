import { createEnvelope, type DeliveredEvent, type EventContract } from '@seams/core'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { createEventDecoder } from './event-decoder.ts'
import { defineUpcaster } from './upcaster.ts'

const PriceSetV1 = {
  source: 'shop',
  type: 'shop.PriceSet',
  version: 1,
  schema: Type.Object({ sku: Type.String(), price: Type.Integer() }),
} as const satisfies EventContract
const PriceSetV2 = {
  source: 'shop',
  type: 'shop.PriceSet',
  version: 2,
  schema: Type.Object({ sku: Type.String(), priceCents: Type.Integer(), currency: Type.String() }),
} as const satisfies EventContract
const toV2 = defineUpcaster({
  from: PriceSetV1,
  to: PriceSetV2,
  upcast: (data) => ({ sku: data.sku, priceCents: data.price, currency: 'EUR' }),
})

const deps = { newId: () => '00000000-0000-7000-8000-000000000001', now: () => new Date('2026-01-01T00:00:00Z') }
const delivered = <C extends EventContract>(contract: C, data: unknown): DeliveredEvent => ({
  ...createEnvelope(deps, contract, { subject: 'x', aggregateVersion: 1, data: data as never }),
  position: 1,
})

describe('createEventDecoder', () => {
  const decoder = createEventDecoder({ wanted: [PriceSetV2], older: [PriceSetV1], upcasters: [toV2] })

  it('passes the wanted version through after validating it', () => {
    const event = delivered(PriceSetV2, { sku: 'a', priceCents: 5, currency: 'USD' })
    expect(decoder.decode(event)).toBe(event)
  })

  it('upcasts an older version to the wanted one', () => {
    const decoded = decoder.decode(delivered(PriceSetV1, { sku: 'a', price: 5 }))
    expect(decoded.data).toEqual({ sku: 'a', priceCents: 5, currency: 'EUR' })
    expect(decoded.dataschema).toBe('urn:seams:shop.PriceSet.v2')
  })

  it('refuses malformed data, unknown versions and newer versions', () => {
    expect(() => decoder.decode(delivered(PriceSetV1, { sku: 'a', price: 'five' }))).toThrow(
      /shop.PriceSet.v1 data is invalid/,
    )
    expect(() =>
      createEventDecoder({ wanted: [PriceSetV1] }).decode(
        delivered(PriceSetV2, { sku: 'a', priceCents: 1, currency: 'EUR' }),
      ),
    ).toThrow(/newer than the v1/)
    expect(() =>
      decoder.decode({ ...delivered(PriceSetV2, {}), type: 'shop.Other', dataschema: 'urn:seams:shop.Other.v1' }),
    ).toThrow(/does not handle shop.Other/)
  })

  it('refuses to be built without an upcaster for an accepted older version', () => {
    expect(() => createEventDecoder({ wanted: [PriceSetV2], older: [PriceSetV1] })).toThrow(/no upcaster/)
  })
})
