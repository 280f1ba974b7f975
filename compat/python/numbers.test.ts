import { describe, expect, it } from 'vitest'
import { argInt, parsePythonInt } from './int.js'
import { parsePythonFloatString, pythonFloat } from './float.js'
import { PyInt } from './json-decode.js'

describe('parsePythonInt (Python int(str))', () => {
  it.each([
    ['7', 7n], [' 2 ', 2n], ['+2', 2n], ['-3', -3n], ['1_0', 10n], ['007', 7n], ['٣', 3n], ['١٢', 12n],
    ['\u00a05\u3000', 5n], ['\t9\n', 9n], ['𝟗', 9n],
  ])('%j → %s', (text, value) => expect(parsePythonInt(text)).toBe(value))

  it.each(['', ' ', 'abc', '1__0', '_1', '1_', '2.0', '- 5', '1e3', '0x10', '\u001c5', '5\u001f', '١x', '+', '9'.repeat(4301)])(
    '%j is refused',
    (text) => expect(parsePythonInt(text)).toBeUndefined(),
  )

  it('keeps integers beyond 2^53 exact', () => expect(parsePythonInt('123456789012345678901')).toBe(123456789012345678901n))
  it('falls back to the default like request.args.get(type=int)', () => {
    expect(argInt(undefined, 20n)).toBe(20n)
    expect(argInt('x', 20n)).toBe(20n)
    expect(argInt('5', 20n)).toBe(5n)
  })
})

describe('pythonFloat (Python float(x))', () => {
  it.each([
    ['5', 5], [' 2.5 ', 2.5], ['1e2', 100], ['1_000', 1000], ['.5', 0.5], ['5.', 5], ['-0', -0], ['٣.٥', 3.5],
    ['1E-2', 0.01], ['+1.5e+1', 15],
  ])('%j → %s', (text, value) => expect(Object.is(parsePythonFloatString(text), value)).toBe(true))

  it('parses nan and inf spellings', () => {
    expect(parsePythonFloatString('nan')).toBeNaN()
    expect(parsePythonFloatString(' -Infinity ')).toBe(-Infinity)
    expect(parsePythonFloatString('INF')).toBe(Infinity)
    expect(parsePythonFloatString('1e400')).toBe(Infinity)
  })

  it.each(['', 'abc', '1__0', '_1', '1_', '1e', 'e5', '1.2.3', '0x1p3', 'infinit', '1_.5'])('%j is refused', (text) => {
    expect(parsePythonFloatString(text)).toBeUndefined()
  })

  it('converts JSON values like Python', () => {
    expect(pythonFloat(true)).toBe(1)
    expect(pythonFloat(false)).toBe(0)
    expect(Object.is(pythonFloat(new PyInt(0n)), 0)).toBe(true)
    expect(pythonFloat(new PyInt(10n ** 400n))).toBeUndefined() // OverflowError
    expect(pythonFloat(new PyInt(2n ** 53n + 1n))).toBe(2 ** 53) // round-half-even
    expect(pythonFloat(null)).toBeUndefined()
    expect(pythonFloat([1] as never)).toBeUndefined()
  })
})
