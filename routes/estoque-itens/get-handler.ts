import { jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { findItemByLegacyId } from '../shared/find-item.js'
import { itemJson } from '../shared/item-json.js'

/** GET /api/estoque/itens/<item_id>: the legacy view `api_estoque.obter_item` (inactive items included). */
export async function handleEstoqueItensGet(ctx: RouteContext): Promise<Response> {
  const item = await findItemByLegacyId(ctx.db, String(ctx.params.item_id))
  if (!item) return jsonErrorResponse('Item não encontrado', 404)
  return jsonResponse(itemJson(item))
}
