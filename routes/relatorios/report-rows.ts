import type { Document } from 'mongodb'
import { pyHashKey, pyStr } from '../../compat/python/number.js'
import { PythonError } from '../../compat/python/errors.js'
import { field } from '../shared/stock-line-json.js'

/** The report's header row (`CABECALHO` in api_relatorios.py). */
export const REPORT_HEADER = ['data', 'item_codigo', 'item_nome', 'tipo', 'quantidade', 'estoque_anterior', 'estoque_posterior', 'usuario', 'observacao'] as const

/** Only what a row needs: the legacy reads whole documents, the rows are the same. */
export const REPORT_PROJECTION = {
  data: 1, item_id: 1, tipo: 1, quantidade: 1, estoque_anterior: 1, estoque_posterior: 1, usuario: 1, observacao: 1,
} as const

export type ItemLabels = Map<string, Document>

/** What `csv.writer` writes for a value: None as '', str as is, anything else `str()`-ed. */
function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  return typeof value === 'string' ? value : pyStr(value)
}

/** `doc.get(key, "")`. */
const getOr = (doc: Document, key: string): unknown => (Object.hasOwn(doc, key) ? doc[key] : '')

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** `datetime.strftime("%Y-%m-%d %H:%M:%S")` of a naive UTC datetime as PyMongo decodes a BSON date. */
export function strftimeSeconds(value: unknown): string {
  if (!(value instanceof Date)) throw new PythonError('AttributeError', `'${typeof value}' object has no attribute 'strftime'`)
  // glibc's %Y does not pad years below 1000 (Python 3.11 on Linux passes it through).
  return `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())} ` +
    `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`
}

/** One movement's fields in report order; raises where the legacy generator raises (KeyError, TypeError...). */
export function reportFields(mov: Document, items: ItemLabels): string[] {
  const item = items.get(pyHashKey(field(mov, 'item_id'))) ?? {}
  return [
    strftimeSeconds(field(mov, 'data')),
    cell(getOr(item, 'codigo')),
    cell(getOr(item, 'nome')),
    cell(field(mov, 'tipo')),
    cell(field(mov, 'quantidade')),
    cell(getOr(mov, 'estoque_anterior')),
    cell(getOr(mov, 'estoque_posterior')),
    cell(getOr(mov, 'usuario')),
    cell(getOr(mov, 'observacao')),
  ]
}
