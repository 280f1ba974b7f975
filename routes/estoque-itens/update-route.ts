import { defineRoute } from '../../core/route.js'
import { ItemSchema } from '../shared/item-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { handleEstoqueItensUpdate } from './update-handler.js'
import { readBackItem } from '../shared/shadow-write.js'
import { BodyErrors, ItemChangesBody, ItemIdParams } from './write-schemas.js'

/** PUT /api/estoque/itens/<item_id> (legacy view `api_estoque.atualizar_item`): change name, category, unit, minimum. */
export const estoqueItensUpdate = defineRoute({
  name: 'estoque-itens-update',
  methods: ['PUT'],
  rule: '/api/estoque/itens/<item_id>',
  mode: 'migrated',
  // Shadow: the handler validates and stops before writing; an accepted legacy update is read back by its _id.
  shadow: { compareWrites: 'validation-only', readBack: readBackItem(200) },
  auth: 'login_required',
  openapi: {
    tags: ['estoque'],
    summary: 'Update an item (atomic; never touches quantidade)',
    request: { params: ItemIdParams, body: { required: true, content: { 'application/json': { schema: ItemChangesBody } } } },
    responses: {
      200: { description: 'The item as stored after the update', content: { 'application/json': { schema: ItemSchema } } },
      400: errorResponse('Requisição inválida | Dados inválidos | Nome inválido | Categoria inválida | Unidade inválida | Quantidade inválida'),
      401: UnauthenticatedResponse,
      404: errorResponse('Item não encontrado'),
      ...BodyErrors,
      503: UnavailableResponse,
    },
  },
  handle: handleEstoqueItensUpdate,
})
