import type { Document } from 'mongodb'
import { DAY_MS } from '../../compat/werkzeug/http-date.js'
import { argInt } from '../../compat/python/int.js'
import { isObjectIdHex, toObjectId } from '../../compat/bson/object-id.js'
import { parseYmd } from '../../compat/python/strptime.js'

export const TIPOS = ['entrada', 'saida', 'ajuste'] as const
export type Tipo = (typeof TIPOS)[number]

// datetime.max is 9999-12-31; `fim + 1 day` past it raises OverflowError in the legacy app (a 500): the
// gateway answers 400 instead (docs/compatibility.md).
const MAX_DATETIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
const INT64_MAX = 2n ** 63n - 1n

export type ListRequest =
  | { ok: true; filter: Document; pagina: bigint; porPagina: bigint; skip: bigint }
  | { ok: false; status: 400; erro: string }

/** The legacy `listar()` argument handling, in its order: item, tipo, inicio, fim, then paging. */
export function parseListRequest(args: Map<string, string>): ListRequest {
  const filter: Document = {}
  const arg = (name: string) => {
    const value = args.get(name)
    return value === undefined || value === '' ? undefined : value
  }

  const item = arg('item')
  if (item !== undefined) {
    if (!isObjectIdHex(item)) return { ok: false, status: 400, erro: 'Item inválido' }
    filter.item_id = toObjectId(item)
  }

  const tipo = arg('tipo')
  if (tipo !== undefined) {
    if (!(TIPOS as readonly string[]).includes(tipo)) return { ok: false, status: 400, erro: 'Tipo inválido' }
    filter.tipo = tipo
  }

  const periodo: Document = {}
  const inicio = arg('inicio')
  if (inicio !== undefined) {
    const day = parseYmd(inicio)
    if (!day) return { ok: false, status: 400, erro: 'Data inválida: inicio' }
    periodo.$gte = day
  }
  const fim = arg('fim')
  if (fim !== undefined) {
    const day = parseYmd(fim)
    if (!day) return { ok: false, status: 400, erro: 'Data inválida: fim' }
    if (day.getTime() + DAY_MS > MAX_DATETIME_MS) return { ok: false, status: 400, erro: 'Data inválida: fim' }
    periodo.$lt = new Date(day.getTime() + DAY_MS)
  }
  if (Object.keys(periodo).length > 0) filter.data = periodo

  let pagina = argInt(args.get('pagina'), 1n)
  if (pagina < 1n) pagina = 1n
  let porPagina = argInt(args.get('por_pagina'), 20n)
  porPagina = porPagina < 1n ? 1n : porPagina > 100n ? 100n : porPagina
  const skip = (pagina - 1n) * porPagina
  // PyMongo cannot encode a skip past int64 (OverflowError, a 500 in the legacy app): 400 here.
  if (skip > INT64_MAX) return { ok: false, status: 400, erro: 'Página inválida' }
  return { ok: true, filter, pagina, porPagina, skip }
}
