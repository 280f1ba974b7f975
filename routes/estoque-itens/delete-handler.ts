import type { Db, ObjectId } from 'mongodb'
import { jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { legacyItemId } from '../shared/find-item.js'
import { wouldWrite } from '../shared/shadow-write.js'
import { itemsCollection } from '../shared/collections.js'

/**
 * DELETE /api/estoque/itens/<item_id>: the legacy view `api_estoque.excluir_item` (a soft delete,
 * `ativo: false`), as one update instead of a read then a write: a saída that read the item as active
 * before this lands fails its compare-and-set (which checks `ativo`) and is decided again on the inactive
 * item. The request body is never read, as in the legacy view.
 */
export async function handleEstoqueItensDelete(ctx: RouteContext): Promise<Response> {
  const _id = legacyItemId(String(ctx.params.item_id))
  if (!_id) return jsonErrorResponse('Item não encontrado', 404)
  if (ctx.shadow) {
    // Shadow run: the would-be answer (found or not), nothing written.
    return (await itemsCollection(ctx.db).findOne({ _id }, { projection: { _id: 1 } })) ? wouldWrite(200) : jsonErrorResponse('Item não encontrado', 404)
  }
  return (await deactivateItem(ctx.db, _id)) ? jsonResponse({ ok: true }) : jsonErrorResponse('Item não encontrado', 404)
}

/** The soft delete, one update; false when there is no such item. */
export async function deactivateItem(db: Db, _id: ObjectId): Promise<boolean> {
  const result = await itemsCollection(db).updateOne({ _id }, { $set: { ativo: false, atualizado_em: new Date() } })
  return result.matchedCount > 0
}
