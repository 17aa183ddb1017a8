import { describe, expect, it } from 'vitest'
import { envelopeProblems, storable, syntheticEventId } from './envelope-check.ts'

const wellFormed = {
  specversion: '1.0',
  id: '0190d7a4-0000-7000-8000-000000000001',
  source: 'notes',
  type: 'notes.NoteWritten',
  subject: 'n-1',
  aggregateversion: 1,
  position: 7,
}

describe('the envelope check', () => {
  it('passes a well-formed envelope', () => {
    expect(envelopeProblems(wellFormed)).toEqual([])
  })

  it.each([
    ['a missing id', { id: undefined }, 'id must be a UUID, got nothing'],
    ['an id that is no UUID', { id: 'event-1' }, 'id must be a UUID, got "event-1"'],
    ['a missing type', { type: undefined }, 'type must look like <service>.<Event>'],
    ['a type of another shape', { type: 'NoteWritten' }, 'type must look like <service>.<Event>'],
    ['a missing subject', { subject: undefined }, 'subject must be a non-empty string'],
    ['an empty subject', { subject: '' }, 'subject must be a non-empty string'],
    ['a subject with NUL', { subject: 'n\u00001' }, 'without NUL'],
    ['a missing version', { aggregateversion: undefined }, 'aggregateversion must be a positive integer, got nothing'],
    ['a version of 0', { aggregateversion: 0 }, 'aggregateversion must be a positive integer, got 0'],
    ['a version as text', { aggregateversion: '2' }, 'aggregateversion must be a positive integer, got "2"'],
    ['a fractional version', { aggregateversion: 1.5 }, 'aggregateversion must be a positive integer, got 1.5'],
  ])('finds %s', (_case, change, problem) => {
    const problems = envelopeProblems({ ...wellFormed, ...change })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(problem)
  })

  it('reports every problem at once', () => {
    expect(envelopeProblems({ position: 3, data: {} })).toHaveLength(4)
  })

  it.each([
    ['text', 'an envelope'],
    ['an array', [wellFormed]],
    ['null', null],
  ])('refuses %s', (_case, candidate) => {
    expect(envelopeProblems(candidate)).toEqual(['not a JSON object'])
  })

  it('refuses what a transport could not read as an object', () => {
    expect(
      envelopeProblems({ position: 3, id: wellFormed.id, type: 'notes.NoteWritten', malformed: 'not json {' })[0],
    ).toContain('not a JSON object envelope: "not json {"')
  })
})

describe('the synthetic id of a malformed message', () => {
  const origin = { transport: 'jetstream', source: 'notes', position: 42 }

  it('is the same for every delivery of the message', () => {
    expect(syntheticEventId(origin)).toBe(syntheticEventId({ ...origin }))
  })

  it('differs with the position, the producer and the transport', () => {
    const ids = new Set(
      [origin, { ...origin, position: 43 }, { ...origin, source: 'books' }, { ...origin, transport: 'http-feed' }].map(
        syntheticEventId,
      ),
    )
    expect(ids.size).toBe(4)
  })

  it('is a version 8 UUID', () => {
    expect(syntheticEventId(origin)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(envelopeProblems({ ...wellFormed, id: syntheticEventId(origin) })).toEqual([])
  })
})

describe('what a dead letter can store', () => {
  it('replaces NUL, which PostgreSQL text and jsonb refuse, and keeps the rest', () => {
    expect(storable({ note: 'a\u0000b', words: 2, nested: ['\u0000'] })).toEqual({
      note: 'a\uFFFDb',
      words: 2,
      nested: ['\uFFFD'],
    })
    expect(storable('plain')).toBe('plain')
  })
})
