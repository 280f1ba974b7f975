import type { Document } from 'mongodb'
import { pyAdd, pyCompare, pyEquals, pyHashKey, pyLess, type PyNumber } from '../../compat/python/number.js'
import { pyTruthy } from '../../compat/python/truthy.js'
import { field, get, stockLineJson } from '../shared/stock-line-json.js'

export const SEM_CATEGORIA = 'Sem categoria'
export const SEM_SUBCATEGORIA = 'Sem subcategoria'

type Totals = { total_itens: bigint; quantidade_total: PyNumber; abaixo_minimo: bigint }

/** A dict entry: the first key object stored under a Python-equal key (1, 1.0 and True are one key). */
type Group<T> = { name: unknown; value: T }

function setDefault<T>(groups: Map<string, Group<T>>, name: unknown, make: () => T): T {
  const key = pyHashKey(name)
  let group = groups.get(key)
  if (!group) groups.set(key, (group = { name, value: make() }))
  return group.value
}

/** `sorted(values, key=...)`: stable, ordered with Python's `<` (TypeError where Python cannot order). */
function pySorted<T>(values: T[], key: (value: T) => unknown): T[] {
  const keyed = values.map((value) => ({ value, key: key(value) }))
  keyed.sort((a, b) => pyCompare(a.key, b.key))
  return keyed.map((entry) => entry.value)
}

function sum(nodes: Totals[], name: keyof Totals): PyNumber {
  let total: PyNumber = 0n
  for (const node of nodes) total = pyAdd(total, node[name])
  return total
}

/** stockLineJson() plus `abaixo_minimo` and `ativo`, written out in key order (the encoder then need not sort). */
function hierarchyLine(item: Document, baixo: boolean): Record<string, unknown> {
  const line = stockLineJson(item)
  return {
    _id: line._id,
    abaixo_minimo: baixo,
    ativo: get(item, 'ativo'),
    codigo: line.codigo,
    estoque_minimo: line.estoque_minimo,
    nome: line.nome,
    quantidade: line.quantidade,
    unidade: line.unidade,
  }
}

/**
 * The legacy `hierarquia()` view, statement by statement in Python semantics: items (in MongoDB's
 * categoria, subcategoria, codigo order) grouped in dicts by displayed category and subcategory, both
 * sorted by name, items sorted by codigo, sums as Python adds (exact ints, int + float promotes).
 * Throws PythonError wherever the view raises (a missing field, a str quantity, unorderable names).
 */
export function buildTree(items: Document[], onlyCategory: string | undefined) {
  const groups = new Map<string, Group<Map<string, Group<Document[]>>>>()
  for (const item of items) {
    const cat = pyTruthy(get(item, 'categoria')) ? item.categoria : SEM_CATEGORIA
    const sub = pyTruthy(get(item, 'subcategoria')) ? item.subcategoria : SEM_SUBCATEGORIA
    if (onlyCategory && !pyEquals(cat, onlyCategory)) continue
    setDefault(setDefault(groups, cat, () => new Map<string, Group<Document[]>>()), sub, (): Document[] => []).push(item)
  }

  const categorias = pySorted([...groups.values()], (group) => group.name).map((category) => {
    const subcategorias = pySorted([...category.value.values()], (group) => group.name).map((subcategory) => {
      const itens: Record<string, unknown>[] = []
      let total: PyNumber = 0n
      let abaixo = 0n
      for (const item of pySorted(subcategory.value, (i) => field(i, 'codigo'))) {
        const baixo = pyLess(field(item, 'quantidade'), field(item, 'estoque_minimo'))
        itens.push(hierarchyLine(item, baixo))
        total = pyAdd(total, item.quantidade)
        if (baixo) abaixo++
      }
      return { nome: subcategory.name, total_itens: BigInt(itens.length), quantidade_total: total, abaixo_minimo: abaixo, itens }
    })
    return {
      nome: category.name,
      total_itens: sum(subcategorias, 'total_itens'),
      quantidade_total: sum(subcategorias, 'quantidade_total'),
      abaixo_minimo: sum(subcategorias, 'abaixo_minimo'),
      subcategorias,
    }
  })

  return {
    categorias,
    total_itens: sum(categorias as Totals[], 'total_itens'),
    quantidade_total: sum(categorias as Totals[], 'quantidade_total'),
    abaixo_minimo: sum(categorias as Totals[], 'abaixo_minimo'),
  }
}
