import { describe, expect, it } from 'vitest'
import { buildTree } from './build-tree.js'

const item = (codigo: string, categoria: unknown, subcategoria: unknown, quantidade: number, estoque_minimo = 0) => ({
  _id: codigo, codigo, nome: codigo, categoria, subcategoria, unidade: 'un', quantidade, estoque_minimo, ativo: true,
})

describe('buildTree (legacy hierarquia grouping)', () => {
  it('shows blank categories as "Sem categoria" and orders names by code point', () => {
    const tree = buildTree([item('A', '😀', 'x', 1), item('B', 'Ｚ', '', 2), item('C', null, null, 3), item('D', '', 'y', 4)], undefined)
    expect(tree.categorias.map((c) => c.nome)).toEqual(['Sem categoria', 'Ｚ', '😀'])
    expect(tree.categorias[0]!.subcategorias.map((s) => s.nome)).toEqual(['Sem subcategoria', 'y'])
  })

  it('sums in item, subcategory, category order (float results as Python)', () => {
    const tree = buildTree([item('A', 'c', 's1', 0.1), item('B', 'c', 's1', 0.2), item('C', 'c', 's2', 0.3)], undefined)
    expect(tree.categorias[0]!.subcategorias[0]!.quantidade_total).toBe(0.1 + 0.2)
    expect(tree.quantidade_total).toBe(0.1 + 0.2 + 0.3)
  })

  it('counts items below minimum and filters by displayed category', () => {
    const items = [item('A', 'c', 's', 1, 5), item('B', 'c', 's', 9, 5), item('C', null, 's', 0, 1)]
    expect(buildTree(items, undefined).abaixo_minimo).toBe(2)
    expect(buildTree(items, 'Sem categoria').categorias.map((c) => c.nome)).toEqual(['Sem categoria'])
    expect(buildTree(items, 'nada')).toEqual({ categorias: [], total_itens: 0, quantidade_total: 0, abaixo_minimo: 0 })
  })
})
