import type { Document } from 'mongodb'
import { compareCodePoints } from '../../compat/python/unicode.js'
import { pyTruthy } from '../../compat/python/truthy.js'
import { stockLineJson } from '../shared/stock-line-json.js'

export const SEM_CATEGORIA = 'Sem categoria'
export const SEM_SUBCATEGORIA = 'Sem subcategoria'

type Node = { total_itens: number; quantidade_total: number; abaixo_minimo: number }

/** Python's `sorted()` over the group names: code-point order for str, numeric for numbers, else TypeError. */
function comparePython(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b)
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  throw new TypeError(`'<' not supported between ${typeof a} and ${typeof b}`)
}

function sum(nodes: Node[], field: keyof Node): number {
  let total = 0
  for (const node of nodes) total += node[field]
  return total
}

/**
 * The legacy `hierarquia()` grouping: items (already in categoria, subcategoria, codigo order) grouped by
 * displayed category and subcategory, both sorted by name, items by codigo; sums in the same order as Python.
 */
export function buildTree(items: Document[], onlyCategory: string | undefined) {
  const groups = new Map<unknown, Map<unknown, Document[]>>()
  for (const item of items) {
    const cat = pyTruthy(item.categoria) ? item.categoria : SEM_CATEGORIA
    const sub = pyTruthy(item.subcategoria) ? item.subcategoria : SEM_SUBCATEGORIA
    if (onlyCategory && cat !== onlyCategory) continue
    let subs = groups.get(cat)
    if (!subs) groups.set(cat, (subs = new Map()))
    let list = subs.get(sub)
    if (!list) subs.set(sub, (list = []))
    list.push(item)
  }

  const categorias = [...groups.keys()].sort(comparePython).map((catName) => {
    const subs = groups.get(catName)!
    const subcategorias = [...subs.keys()].sort(comparePython).map((subName) => {
      // Array.prototype.sort is stable, like Python's sorted().
      const sorted = [...subs.get(subName)!].sort((a, b) => comparePython(a.codigo, b.codigo))
      let total = 0
      let abaixo = 0
      const itens = sorted.map((item) => {
        const baixo = item.quantidade < item.estoque_minimo
        total += item.quantidade
        abaixo += baixo ? 1 : 0
        return { ...stockLineJson(item), abaixo_minimo: baixo, ativo: item.ativo ?? null }
      })
      return { nome: subName, total_itens: itens.length, quantidade_total: total, abaixo_minimo: abaixo, itens }
    })
    return {
      nome: catName,
      total_itens: sum(subcategorias, 'total_itens'),
      quantidade_total: sum(subcategorias, 'quantidade_total'),
      abaixo_minimo: sum(subcategorias, 'abaixo_minimo'),
      subcategorias,
    }
  })

  return {
    categorias,
    total_itens: sum(categorias, 'total_itens'),
    quantidade_total: sum(categorias, 'quantidade_total'),
    abaixo_minimo: sum(categorias, 'abaixo_minimo'),
  }
}
