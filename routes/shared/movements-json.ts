import type { Db, Document, ObjectId } from 'mongodb'
import { pyHashKey, pyStr } from '../../compat/python/number.js'
import { field, get } from './stock-line-json.js'
import { itemsCollection } from './collections.js'
import { findMany } from './find-many.js'

/** Fields of a movement the API shows (`movimentacao_json` in the legacy util.py). */
export const MOVEMENT_PROJECTION = {
  item_id: 1,
  tipo: 1,
  quantidade: 1,
  data: 1,
  usuario: 1,
  observacao: 1,
  estoque_anterior: 1,
  estoque_posterior: 1,
} as const

export type ItemLabel = Document | undefined

/**
 * One movement as the legacy API shows it (`movimentacao_json`); `item` is its looked-up item (undefined when
 * it no longer exists). Values stay as read (`promoteValues: false`); a missing `tipo`, `quantidade` or
 * `data` raises KeyError as in Python.
 */
export function movementJson(mov: Document, item: ItemLabel): Record<string, unknown> {
  return {
    _id: pyStr(field(mov, '_id')),
    item_id: pyStr(field(mov, 'item_id')),
    item_codigo: item ? get(item, 'codigo') : null,
    item_nome: item ? get(item, 'nome') : null,
    tipo: field(mov, 'tipo'),
    quantidade: field(mov, 'quantidade'),
    data: field(mov, 'data'),
    usuario: get(mov, 'usuario'),
    observacao: Object.hasOwn(mov, 'observacao') ? mov.observacao : '',
    estoque_anterior: get(mov, 'estoque_anterior'),
    estoque_posterior: get(mov, 'estoque_posterior'),
  }
}

/**
 * `movimentacoes_json`: a page of movements with their items' codigo/nome, looked up in one query (inactive
 * items included), matched by Python dict equality on the ids (a set of `item_id`s: KeyError when one is
 * missing, TypeError when one is unhashable).
 */
export async function movementsJson(db: Db, movs: Document[]): Promise<Record<string, unknown>[]> {
  const ids = new Map<string, unknown>()
  for (const mov of movs) {
    const id = field(mov, 'item_id')
    const key = pyHashKey(id)
    if (!ids.has(key)) ids.set(key, id)
  }
  const items = new Map<string, ItemLabel>()
  if (ids.size > 0) {
    const found = await findMany(itemsCollection(db), { _id: { $in: [...ids.values()] as ObjectId[] } }, { projection: { codigo: 1, nome: 1 } })
    for (const item of found) items.set(pyHashKey(item._id), item)
  }
  return movs.map((mov) => movementJson(mov, items.get(pyHashKey(mov.item_id))))
}
