import { Code, Decimal128, Double, Int32, Long, ObjectId } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { PythonError } from './errors.js'
import { pyAdd, pyEquals, pyFloat, pyHashKey, pyLess, pyStr, pySub } from './number.js'

const big = Long.fromString('9007199254740993') // 2**53 + 1

describe('Python numbers on BSON values', () => {
  it('adds ints exactly and promotes to float with a float (as CPython rounds)', () => {
    expect(pyAdd(big, new Int32(1))).toBe(9007199254740994n)
    expect(pyAdd(0n, big)).toBe(9007199254740993n)
    expect(pyAdd(big, new Double(1))).toBe(9007199254740992) // float(2**53 + 1) + 1.0
    expect(pyAdd(true, true)).toBe(2n)
    expect(pySub(new Double(0.3), new Double(0.1))).toBe(0.3 - 0.1)
    expect(pyAdd(1.5, new Int32(2))).toBe(3.5)
  })

  it.each([['5'], [null], [Decimal128.fromString('1')], [[1]], [{}], [new Date(0)]])('raises TypeError on %j', (value) => {
    expect(() => pyAdd(0n, value)).toThrow(PythonError)
    expect(() => pyLess(value, 1n)).toThrow(PythonError)
  })

  it('raises OverflowError for an int past the double range mixed with a float', () => {
    expect(() => pyAdd(10n ** 400n, 1.0)).toThrow(/OverflowError/)
    expect(() => pyFloat(10n ** 400n)).toThrow(/OverflowError/)
  })

  it('compares ints and floats exactly, like Python', () => {
    expect(pyLess(9007199254740992, big)).toBe(true) // 2**53 (float) < 2**53 + 1 (int)
    expect(pyEquals(big, 9007199254740992)).toBe(false)
    expect(pyEquals(new Int32(1), new Double(1))).toBe(true)
    expect(pyEquals(true, 1n)).toBe(true)
    expect(pyLess(new Double(NaN), 1n)).toBe(false)
    expect(pyLess(1n, new Double(NaN))).toBe(false)
    expect(pyLess('😀', 'Ｚ')).toBe(false) // code points, not UTF-16 units
    expect(pyLess([1n, 'a'], [1n, 'b'])).toBe(true)
    expect(() => pyLess([1n, 'a'], [1n, 2n])).toThrow(PythonError)
    expect(() => pyLess(null, null)).toThrow(PythonError)
  })

  it('hashes dict keys as Python does', () => {
    expect(pyHashKey(new Int32(1))).toBe(pyHashKey(new Double(1)))
    expect(pyHashKey(true)).toBe(pyHashKey(1n))
    expect(pyHashKey(new Double(-0))).toBe(pyHashKey(0n))
    expect(pyHashKey('1')).not.toBe(pyHashKey(1n))
    for (const unhashable of [[1], { a: 1 }, Decimal128.fromString('1'), new Code('x')]) expect(() => pyHashKey(unhashable)).toThrow(PythonError)
  })

  it('writes str() as Python does', () => {
    expect(pyStr(new ObjectId('5e0be1000200000000000001'))).toBe('5e0be1000200000000000001')
    expect([pyStr(new Double(5)), pyStr(new Int32(5)), pyStr(big), pyStr(true), pyStr(null), pyStr(new Double(1e-7))]).toEqual(['5.0', '5', '9007199254740993', 'True', 'None', '1e-07'])
    expect(pyStr(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02 03:04:05.006000')
  })
})
