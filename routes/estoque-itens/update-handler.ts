import { Double, type Db, type ObjectId } from 'mongodb'
import { jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { isPyObject } from '../../compat/python/json-decode.js'
import { legacyItemId } from '../shared/find-item.js'
import { ITEM_PROJECTION, itemJson } from '../shared/item-json.js'
import { legacyJsonBody } from '../shared/legacy-json-body.js'
import { checkItemChanges, type ItemChanges } from './item-input.js'
import { wouldWrite } from '../shared/shadow-write.js'
import { itemsCollection } from '../shared/collections.js'

/**
 * PUT /api/estoque/itens/<item_id>: the legacy view `api_estoque.atualizar_item`, answered in its order
 * (415/413/400 body, "Dados inválidos", 404, then the field checks), but written in one atomic
 * findOneAndUpdate instead of a read then a write: the answer is the item as stored right after this
 * update (a concurrent movement's stock included), never a stale read, and an item that disappeared
 * meanwhile is a 404, not a 200 (docs/compatibility.md). Only the fields sent are `$set`; `quantidade`
 * is never written here.
 */
export async function handleEstoqueItensUpdate(ctx: RouteContext): Promise<Response> {
  const body = await legacyJsonBody(ctx)
  if ('response' in body) return body.response
  const dados = body.value
  if (!isPyObject(dados)) return jsonErrorResponse('Dados inválidos')
  const _id = legacyItemId(String(ctx.params.item_id))
  if (!_id) return jsonErrorResponse('Item não encontrado', 404)

  const itens = itemsCollection(ctx.db)
  const checked = checkItemChanges(dados)
  if (!checked.ok) {
    // The legacy view looks the item up before checking the fields: a missing item wins.
    if (!(await itens.findOne({ _id }, { projection: { _id: 1 } }))) return jsonErrorResponse('Item não encontrado', 404)
    return jsonErrorResponse(checked.erro)
  }
  // Shadow run: validated; whether the item exists decides the would-be answer, nothing is written.
  if (ctx.shadow) return (await itens.findOne({ _id }, { projection: { _id: 1 } })) ? wouldWrite(200) : jsonErrorResponse('Item não encontrado', 404)
  const updated = await updateItem(ctx.db, _id, checked.value)
  return updated ? jsonResponse(updated) : jsonErrorResponse('Item não encontrado', 404)
}

/** The write: one atomic findOneAndUpdate; the item's JSON as stored right after it, or null if it is gone. */
export async function updateItem(db: Db, _id: ObjectId, value: ItemChanges): Promise<Record<string, unknown> | null> {
  const changes = { ...value, atualizado_em: new Date() }
  const stored = changes.estoque_minimo === undefined ? changes : { ...changes, estoque_minimo: new Double(changes.estoque_minimo) }
  const updated = await itemsCollection(db).findOneAndUpdate({ _id }, { $set: stored }, { returnDocument: 'after', projection: ITEM_PROJECTION, promoteValues: false })
  // `item.update(alteracoes)`: the values just set as Python holds them (a float stays a float).
  return updated ? itemJson({ ...updated, ...changes }) : null
}
