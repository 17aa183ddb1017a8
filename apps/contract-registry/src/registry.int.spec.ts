import { buildRegistry, checkContracts, findUnknownSubscriptions } from '@seams/schema-registry'
import { OrderPlacedV1 } from '@shop/orders-contracts'
import Type from 'typebox'
import { describe, expect, it } from 'vitest'
import { consumers, producers, readBaseline } from './shop-contracts.ts'

describe("the shop's event contracts", () => {
  it('are all recorded, and none changed incompatibly since it was recorded', () => {
    for (const producer of producers) {
      const result = checkContracts(producer, (id) => readBaseline(producer.producer, id))
      expect(result.problems, producer.producer).toEqual([])
      expect(
        result.unrecorded.map((contract) => `${contract.type}.v${contract.version}`),
        `${producer.producer}: run npm run contracts -- record`,
      ).toEqual([])
    }
  })

  it('cover every type a service declares it consumes', () => {
    expect(findUnknownSubscriptions(producers, consumers())).toEqual([])
    const registry = buildRegistry(producers, consumers())
    expect(registry.find((entry) => entry.schemaId === 'orders.OrderCancelled.v1')?.consumers).toEqual(
      expect.arrayContaining(['catalog', 'payments']),
    )
  })

  it('fail when a published schema is broken on purpose', () => {
    const broken = {
      ...OrderPlacedV1,
      // customerId renamed: every consumer of v1 would break.
      schema: Type.Object({
        orderId: OrderPlacedV1.schema.properties.orderId,
        buyerId: Type.String(),
        items: OrderPlacedV1.schema.properties.items,
      }),
    }
    const result = checkContracts({ producer: 'orders', contracts: [broken] }, (id) => readBaseline('orders', id))
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'orders.OrderPlaced.v1 $.customerId: removed property',
        'orders.OrderPlaced.v1 $.buyerId: added required property',
      ]),
    )
  })

  it('fail when a new version comes without an upcaster from the previous one', () => {
    const v2 = {
      ...OrderPlacedV1,
      version: 2,
      schema: Type.Object({ orderId: Type.String(), customerId: Type.String(), lines: Type.Array(Type.Any()) }),
    }
    const result = checkContracts({ producer: 'orders', contracts: [OrderPlacedV1, v2] }, (id) =>
      readBaseline('orders', id),
    )
    expect(result.problems).toContain('orders.OrderPlaced.v2: needs an upcaster from v1')
  })
})
