import { z } from '@hono/zod-openapi'
import { defineRoute } from '../../core/route.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { handleEstoqueItensDelete } from './delete-handler.js'
import { ItemIdParams } from './write-schemas.js'

/** DELETE /api/estoque/itens/<item_id> (legacy view `api_estoque.excluir_item`): a soft delete (`ativo: false`). */
export const estoqueItensDelete = defineRoute({
  name: 'estoque-itens-delete',
  methods: ['DELETE'],
  rule: '/api/estoque/itens/<item_id>',
  mode: 'migrated',
  body: 'unread',
  // Shadow: the would-be answer (404 or not) is compared; an accepted delete is not read back (`not-compared`).
  shadow: { compareWrites: 'validation-only' },
  auth: 'login_required',
  openapi: {
    tags: ['estoque'],
    summary: 'Deactivate an item (atomic)',
    request: { params: ItemIdParams },
    responses: {
      200: { description: 'Deactivated (also when it already was)', content: { 'application/json': { schema: z.object({ ok: z.literal(true) }) } } },
      401: UnauthenticatedResponse,
      404: errorResponse('Item não encontrado'),
      503: UnavailableResponse,
    },
  },
  handle: handleEstoqueItensDelete,
})
