import type { Document } from 'mongodb'
import { PythonError } from '../../compat/python/errors.js'
import { pyAdd, pyLess, type PyNumber } from '../../compat/python/number.js'
import { DAY_MS, isoDay } from '../../compat/werkzeug/http-date.js'
import { field, stockLineJson } from '../shared/stock-line-json.js'

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
  return {
    total_itens: BigInt(items.length),
    quantidade_total: quantidadeTotal,
    itens_abaixo_minimo: BigInt(abaixo.length),
    lista_abaixo_minimo: abaixo.slice(0, 10),
  }
}

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
