import { Double, Int32, Long } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { PythonError } from '../../compat/python/errors.js'
import { buildTree } from './build-tree.js'

const item = (codigo: unknown, categoria: unknown, subcategoria: unknown, quantidade: unknown, estoque_minimo: unknown = 0n) => ({
  _id: String(codigo), codigo, nome: codigo, categoria, subcategoria, unidade: 'un', quantidade, estoque_minimo, ativo: true,
})

describe('buildTree (legacy hierarquia grouping)', () => {
  it('shows blank categories as "Sem categoria" and orders names by code point', () => {
    const tree = buildTree([item('A', '😀', 'x', 1), item('B', 'Ｚ', '', 2), item('C', null, null, 3), item('D', '', 'y', 4)], undefined)
    expect(tree.categorias.map((c) => c.nome)).toEqual(['Sem categoria', 'Ｚ', '😀'])
    expect(tree.categorias[0]!.subcategorias.map((s) => s.nome)).toEqual(['Sem subcategoria', 'y'])
  })

  it('sums in item, subcategory, category order (float results as Python)', () => {
    const tree = buildTree([item('A', 'c', 's1', 0.1), item('B', 'c', 's1', new Double(0.2)), item('C', 'c', 's2', 0.3)], undefined)
    expect(tree.categorias[0]!.subcategorias[0]!.quantidade_total).toBe(0.1 + 0.2)
    expect(tree.quantidade_total).toBe(0.1 + 0.2 + 0.3)
  })

  it('adds ints exactly beyond 2^53 and promotes to float with a double', () => {
    const big = Long.fromString('9007199254740993')
    expect(buildTree([item('A', 'c', 's', big), item('B', 'c', 's', new Int32(1))], undefined).quantidade_total).toBe(9007199254740994n)
    expect(buildTree([item('A', 'c', 's', big), item('B', 'c', 's', new Double(1))], undefined).quantidade_total).toBe(9007199254740992) // float(2**53 + 1) + 1.0
    expect(buildTree([item('A', 'c', 's', true), item('B', 'c', 's', true)], undefined).quantidade_total).toBe(2n)
  })

  it('counts items below minimum and filters by displayed category', () => {
    const items = [item('A', 'c', 's', 1, 5), item('B', 'c', 's', 9, 5), item('C', null, 's', 0, 1)]
    expect(buildTree(items, undefined).abaixo_minimo).toBe(2n)
    expect(buildTree(items, 'Sem categoria').categorias.map((c) => c.nome)).toEqual(['Sem categoria'])
    expect(buildTree(items, 'nada')).toEqual({ categorias: [], total_itens: 0n, quantidade_total: 0n, abaixo_minimo: 0n })
  })

  it('merges Python-equal group names under the first one seen (1, 1.0 and True)', () => {
    const tree = buildTree([item('A', new Int32(1), 's', 1), item('B', new Double(1), 's', 2), item('C', true, 's', 3)], undefined)
    expect(tree.categorias.map((c) => c.nome)).toEqual([new Int32(1)])
    expect(tree.categorias[0]!.total_itens).toBe(3n)
  })

  it.each([
    ['a str quantity', [item('A', 'c', 's', '5')]],
    ['a None quantity', [item('A', 'c', 's', null)]],
    ['a missing codigo', [{ _id: 'x', nome: 'n', quantidade: 1, estoque_minimo: 0 }]],
    ['unorderable category names', [item('A', 'c', 's', 1), item('B', 5n, 's', 1)]],
    ['unorderable codigos in one group', [item('A', 'c', 's', 1), item(7n, 'c', 's', 1)]],
    ['an unhashable category', [item('A', ['x'], 's', 1)]],
  ])('raises like Python on %s', (_, items) => {
    expect(() => buildTree(items, undefined)).toThrow(PythonError)
  })
})
