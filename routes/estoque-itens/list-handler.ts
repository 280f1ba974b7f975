import type { Db, Document } from 'mongodb'
import { jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { pythonReEscape } from '../../compat/python/re-escape.js'
import { pythonStrip } from '../../compat/python/unicode.js'
import { nonEmptyArg } from '../../compat/werkzeug/query-string.js'
import { ITEM_PROJECTION, itemJson } from '../shared/item-json.js'
import { itemsCollection } from '../shared/collections.js'
import { findMany } from '../shared/find-many.js'

/**
 * The legacy `listar_itens` filter: active items; `q` (stripped as Python strips) searched in codigo or nome
 * with the very `$regex` string PyMongo sends (`re.escape(q)`, case-insensitive), so MongoDB evaluates the
 * same expression; `categoria` matched exactly when not empty.
 */
export function listFilter(args: Map<string, string>): Document {
  const filter: Document = { ativo: true }
  const q = pythonStrip(args.get('q') ?? '')
  if (q) {
    const pattern = { $regex: pythonReEscape(q), $options: 'i' }
    filter.$or = [{ codigo: pattern }, { nome: pattern }]
  }
  const categoria = nonEmptyArg(args, 'categoria')
  if (categoria !== undefined) filter.categoria = categoria
  return filter
}

/** The items `listar_itens` shows for these query arguments, sorted by codigo. */
export function findListedItems(db: Db, args: Map<string, string>): Promise<Document[]> {
  return findMany(itemsCollection(db), listFilter(args), { projection: ITEM_PROJECTION, sort: { codigo: 1 } })
}

/** GET /api/estoque/itens: the legacy view `api_estoque.listar_itens`. */
export async function handleEstoqueItensList(ctx: RouteContext): Promise<Response> {
  const items = await findListedItems(ctx.db, ctx.args())
  return jsonResponse({ itens: items.map(itemJson) })
}
