import { describe, expect, it } from 'vitest'
import { PyMarkup, PyTuple, PyUuid, TaggedJsonError, pythonJsonDumps, taggedJsonDumps, taggedJsonLoads } from './tagged-json.js'

describe("Flask's TaggedJSONSerializer", () => {
  // Expected strings from flask.sessions.session_json_serializer.dumps (Flask 3.1.3).
  it('dumps like Python: compact, ASCII-only (\\u escapes, DEL included), tags for Python types', () => {
    expect(pythonJsonDumps({ n: 'ção\u007f', e: '😀' })).toBe('{"n":"\\u00e7\\u00e3o\\u007f","e":"\\ud83d\\ude00"}')
    expect(taggedJsonDumps({ t: new PyTuple([1, 'a']), u: new PyUuid('0'.repeat(31) + '5'), b: Buffer.from([0, 255]), m: new PyMarkup('<b>') })).toBe(
      '{"t":{" t":[1,"a"]},"u":{" u":"00000000000000000000000000000005"},"b":{" b":"AP8="},"m":{" m":"<b>"}}',
    )
    expect(taggedJsonDumps({ ' t': 'x' })).toBe('{" di":{" t__":"x"}}')
  })

  it('loads what it dumps', () => {
    const value = { t: new PyTuple([1, new PyTuple([])]), b: Buffer.from('hi'), d: { ' u': 'not a tag here' }, plain: [1, { a: null }] }
    expect(taggedJsonLoads(taggedJsonDumps(value))).toEqual(value)
  })

  it('untags like to_python: tuple() of a str or dict, UUID spellings, None for a bad date', () => {
    expect(taggedJsonLoads('{" t":"ab"}')).toEqual(new PyTuple(['a', 'b']))
    expect(taggedJsonLoads('{" t":{"k":1}}')).toEqual(new PyTuple(['k']))
    expect(taggedJsonLoads('{" u":"{urn:uuid:12345678-1234-5678-1234-567812345678}"}')).toEqual(new PyUuid('12345678123456781234567812345678'))
    expect(taggedJsonLoads('{" d":"Fri, 02 Jan 2026 03:04:05 GMT"}')).toEqual(new Date('2026-01-02T03:04:05Z'))
    expect(taggedJsonLoads('{" d":"nope"}')).toBeNull()
    expect(taggedJsonLoads('{" m":null}')).toEqual(new PyMarkup('None'))
    expect(taggedJsonLoads('{" di":{"x__":1,"y":2}}')).toEqual({ x: 1 })
  })

  it('throws where Python raises', () => {
    for (const text of ['{" t":1}', '{" t":null}', '{" u":5}', '{" u":"abc"}', '{" b":"Y"}', '{" b":"é"}', '{" di":[]}', '{" di":{}}']) {
      expect(() => taggedJsonLoads(text), text).toThrow(TaggedJsonError)
    }
    expect(() => taggedJsonLoads('{"a":NaN}')).toThrow(SyntaxError)
  })
})
