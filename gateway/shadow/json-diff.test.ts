import { describe, expect, it } from 'vitest'
import { firstDifference, isCovered, jsonDifferences, pathKey } from './json-diff.js'

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

describe('jsonDifferences', () => {
  it('lists every differing path with both values and its grouping key', () => {
    const legacy = { itens: [{ id: 1, q: 2 }, { id: 2, q: 3 }], total: 2, only: 'legacy' }
    const gateway = { itens: [{ id: 1, q: 5 }, { id: 2, q: 6 }], total: 3 }
    expect(jsonDifferences(legacy, gateway)).toEqual([
      { path: 'itens.0.q', key: 'itens.*.q', legacy: 2, gateway: 5 },
      { path: 'itens.1.q', key: 'itens.*.q', legacy: 3, gateway: 6 },
      { path: 'only', key: 'only', legacy: 'legacy', gateway: undefined, note: 'missing' },
      { path: 'total', key: 'total', legacy: 2, gateway: 3 },
    ])
  })

  it('reports a length difference and still compares the common elements', () => {
    expect(jsonDifferences({ a: [1, 2, 3] }, { a: [1, 9] })).toEqual([
      { path: 'a', key: 'a', legacy: 3, gateway: 2, note: 'length' },
      { path: 'a.1', key: 'a.*', legacy: 2, gateway: 9 },
    ])
  })

  it('ignores a subtree named by a pattern, and stops at the limit', () => {
    expect(jsonDifferences({ meta: { at: 1, by: 2 }, n: 1 }, { meta: { at: 3, by: 4 }, n: 1 }, ['meta'])).toEqual([])
    const many = jsonDifferences(Array.from({ length: 100 }, (_, i) => i), Array.from({ length: 100 }, (_, i) => -i - 1), [], 10)
    expect(many).toHaveLength(10)
  })

  it('groups indices and tests coverage', () => {
    expect(pathKey(['a', '12', 'b'])).toBe('a.*.b')
    expect(isCovered('itens.3.at', ['itens.*.at'])).toBe(true)
    expect(isCovered('itens.3.at.x', ['itens.*.at'])).toBe(true)
    expect(isCovered('itens.3.id', ['itens.*.at'])).toBe(false)
  })
})
