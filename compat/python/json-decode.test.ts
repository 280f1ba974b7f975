import { describe, expect, it } from 'vitest'
import { PyInt, PyJsonError, parsePythonJson } from './json-decode.js'

const parse = (text: string) => parsePythonJson(new TextEncoder().encode(text))

describe('parsePythonJson (json.loads on bytes)', () => {
  it('keeps ints exact and distinct from floats', () => {
    expect(parse('{"a": -0, "b": -0.0, "c": 1.5}')).toEqual({ a: new PyInt(0n), b: -0, c: 1.5 })
    expect(Object.is((parse('[-0.0]') as number[])[0], -0)).toBe(true)
  })

  it('accepts the NaN and Infinity literals Python accepts', () => {
    const value = parse('[NaN, Infinity, -Infinity]') as number[]
    expect(value[0]).toBeNaN()
    expect(value.slice(1)).toEqual([Infinity, -Infinity])
  })

  it('decodes escapes, surrogate pairs and lone surrogates', () => {
    expect(parse('"\\u00e9\\ud83d\\ude00\\n"')).toBe('é😀\n')
    expect(parse('"\\ud800x"')).toBe('\ud800x')
  })

  it('detects a UTF-8 BOM and UTF-16', () => {
    expect(parsePythonJson(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toEqual(new PyInt(1n))
    expect(parsePythonJson(new Uint8Array(Buffer.from('{"a": 1}', 'utf16le')))).toEqual({ a: new PyInt(1n) })
  })

  it('last duplicate key wins and "__proto__" is a plain key', () => {
    expect(parse('{"a": 1, "a": 2}')).toEqual({ a: new PyInt(2n) })
    expect(Object.keys(parse('{"__proto__": 1}') as object)).toEqual(['__proto__'])
  })

  it.each(['', ' ', '{', '{"a": 1,}', '[1,]', '01', '1.', '.5', '"a\tb"', '"\\x"', '{"a" 1}', '{1: 2}', 'nan', 'true false', '+1'])(
    '%j is malformed',
    (text) => expect(() => parse(text)).toThrow(PyJsonError),
  )

  it('refuses invalid UTF-8 and integers over 4300 digits', () => {
    expect(() => parsePythonJson(new Uint8Array([0x22, 0xff, 0x22]))).toThrow(PyJsonError)
    expect(() => parse('1'.repeat(4301))).toThrow(PyJsonError)
    expect(parse('1'.repeat(4300))).toBeInstanceOf(PyInt)
  })
})
