import { describe, expect, it } from 'vitest'
import { firstDifference } from './json-diff.js'

describe('firstDifference', () => {
  it('is undefined for equal values, whatever the key order', () => {
    expect(firstDifference({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBeUndefined()
  })

  it('names the first differing path', () => {
    expect(firstDifference({ a: { b: [1, 2] } }, { a: { b: [1, 3] } })).toBe('a.b.1')
    expect(firstDifference({ a: 1 }, { a: '1' })).toBe('a')
    expect(firstDifference([1], [1, 2])).toBe('(root) (length 1 vs 2)')
    expect(firstDifference({ a: 1 }, { a: 1, b: null })).toBe('b (missing on one side)')
    expect(firstDifference({ a: null }, { a: {} })).toBe('a')
  })

  it('skips ignored paths, with * for any key or index', () => {
    const legacy = { itens: [{ id: 1, at: 'x' }, { id: 2, at: 'y' }], total: 2 }
    const gateway = { itens: [{ id: 1, at: 'z' }, { id: 2, at: 'w' }], total: 2 }
    expect(firstDifference(legacy, gateway)).toBe('itens.0.at')
    expect(firstDifference(legacy, gateway, ['itens.*.at'])).toBeUndefined()
    expect(firstDifference({ a: 1, extra: 1 }, { a: 1 }, ['extra'])).toBeUndefined()
    expect(firstDifference(legacy, { ...gateway, total: 3 }, ['itens.*.at'])).toBe('total')
  })
})
