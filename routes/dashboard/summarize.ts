import type { Document } from 'mongodb'
import { PythonError } from '../../compat/python/errors.js'
import { pyAdd, pyLess, type PyNumber } from '../../compat/python/number.js'
import { DAY_MS, isoDay } from '../../compat/werkzeug/http-date.js'
import { field, stockLineJson } from '../shared/stock-line-json.js'
import type { ItemColumns, WeekColumns } from './columns.js'

/**
 * The legacy dashboard's loop over active items (codigo order), in Python semantics: totals as Python adds
 * them, the below-minimum test with Python's `<`. Every below-minimum line is built (its KeyErrors raise), only the
 * first 10 are serialized (the legacy slices before jsonify). Throws PythonError where the view raises.
 */
export function summarizeItems(items: Document[]) {
  let quantidadeTotal: PyNumber = 0n
  const abaixo: Record<string, unknown>[] = []
  for (const item of items) {
    quantidadeTotal = pyAdd(quantidadeTotal, field(item, 'quantidade'))
    if (pyLess(item.quantidade, field(item, 'estoque_minimo'))) abaixo.push(stockLineJson(item))
  }
  return itemTotals(items.length, quantidadeTotal, abaixo)
}

/**
 * The same loop over the columns of columns.ts: every quantidade added and compared with Python's rules, in
 * the same order. MongoDB's `$lt` (BSON order: a string above every number, NaN below them) can disagree with
 * Python's `<`, so its candidate lines stand only when they are exactly as many as Python's below-minimum
 * items and each is one of them; otherwise undefined (the caller reads the documents).
 */
export function summarizeItemColumns({ quantidade, estoqueMinimo, below }: ItemColumns) {
  let quantidadeTotal: PyNumber = 0n
  let belowCount = 0
  for (let i = 0; i < quantidade.length; i++) {
    quantidadeTotal = pyAdd(quantidadeTotal, quantidade[i])
    if (pyLess(quantidade[i], estoqueMinimo[i])) belowCount++
  }
  if (below.length !== belowCount || !below.every((item) => pyLess(item.quantidade, item.estoque_minimo))) return undefined
  return itemTotals(quantidade.length, quantidadeTotal, below.map(stockLineJson))
}

function itemTotals(count: number, quantidadeTotal: PyNumber, abaixo: Record<string, unknown>[]) {
  return {
    total_itens: BigInt(count),
    quantidade_total: quantidadeTotal,
    itens_abaixo_minimo: BigInt(abaixo.length),
    lista_abaixo_minimo: abaixo.slice(0, 10),
  }
}

/** The week's columns as the movements perDay reads (only the fields it reads). */
export const weekRows = ({ data, tipo, quantidade }: WeekColumns): Document[] =>
  data.map((value, i) => ({ data: value, tipo: tipo[i], quantidade: quantidade[i] }))

/** The 7 UTC days ending today, oldest first, with entradas/saídas summed (Python `+=`) in the movements' order. */
export function perDay(today: Date, movements: Document[]) {
  const days = new Map<string, { entradas: PyNumber; saidas: PyNumber }>()
  for (let n = 6; n >= 0; n--) days.set(isoDay(new Date(today.getTime() - n * DAY_MS)), { entradas: 0n, saidas: 0n })
  for (const mov of movements) {
    const data = field(mov, 'data')
    // A date range also matches an array holding a date; `.strftime` on a list raises AttributeError.
    if (!(data instanceof Date)) throw new PythonError('AttributeError', "'list' object has no attribute 'strftime'")
    const day = days.get(isoDay(data))
    if (!day) throw new PythonError('KeyError', isoDay(data))
    if (field(mov, 'tipo') === 'entrada') day.entradas = pyAdd(day.entradas, field(mov, 'quantidade'))
    else day.saidas = pyAdd(day.saidas, field(mov, 'quantidade'))
  }
  return [...days].map(([data, sums]) => ({ data, ...sums }))
}
