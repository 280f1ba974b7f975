import { defineRoute } from '../../core/route.js'
import { ItemSchema } from '../shared/item-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { handleEstoqueItensGet } from './get-handler.js'
import { ItemIdParams } from './write-schemas.js'

/** GET /api/estoque/itens/<item_id> (legacy view `api_estoque.obter_item`): one item, active or not. */
export const estoqueItensGet = defineRoute({
  name: 'estoque-itens-get',
  methods: ['GET'],
  rule: '/api/estoque/itens/<item_id>',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['estoque'],
    summary: 'One item by id (inactive ones too)',
    request: { params: ItemIdParams },
    responses: {
      200: { description: 'The item', content: { 'application/json': { schema: ItemSchema } } },
      401: UnauthenticatedResponse,
      404: errorResponse('Item não encontrado (also for an id that is not 24 hex digits)'),
      503: UnavailableResponse,
    },
  },
  handle: handleEstoqueItensGet,
})
