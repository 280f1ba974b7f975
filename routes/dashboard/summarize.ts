import type { Document } from 'mongodb'
import { DAY_MS, isoDay } from '../../compat/werkzeug/http-date.js'
import { stockLineJson } from '../shared/stock-line-json.js'

/** Totals over active items in codigo order (float sums in the legacy order) and the below-minimum list. */
export function summarizeItems(items: Document[]) {
  let quantidadeTotal = 0
  const abaixo: Record<string, unknown>[] = []
  for (const item of items) {
    quantidadeTotal += item.quantidade
    if (item.quantidade < item.estoque_minimo) {
      abaixo.push(stockLineJson(item))
    }
  }
  return { total_itens: items.length, quantidade_total: quantidadeTotal, itens_abaixo_minimo: abaixo.length, lista_abaixo_minimo: abaixo.slice(0, 10) }
}

/** The 7 UTC days ending today, oldest first, with entradas/saídas summed in the movements' order. */
export function perDay(today: Date, movements: Document[]) {
  const days = new Map<string, { entradas: number; saidas: number }>()
  for (let n = 6; n >= 0; n--) days.set(isoDay(new Date(today.getTime() - n * DAY_MS)), { entradas: 0, saidas: 0 })
  for (const mov of movements) {
    const day = days.get(isoDay(mov.data as Date))
    if (!day) continue
    if (mov.tipo === 'entrada') day.entradas += mov.quantidade
    else day.saidas += mov.quantidade
  }
  return [...days].map(([data, sums]) => ({ data, ...sums }))
}
