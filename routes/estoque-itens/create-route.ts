import { defineRoute } from '../../core/route.js'
import { ItemSchema } from '../shared/item-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { handleEstoqueItensCreate } from './create-handler.js'
import { readBackItem } from '../shared/shadow-write.js'
import { BodyErrors, NewItemBody } from './write-schemas.js'

/** POST /api/estoque/itens (legacy view `api_estoque.criar_item`): a new active item. */
export const estoqueItensCreate = defineRoute({
  name: 'estoque-itens-create',
  methods: ['POST'],
  rule: '/api/estoque/itens',
  mode: 'migrated',
  auth: 'login_required',
  // Shadow: the handler validates and stops before writing; an accepted legacy create is read back by its _id.
  shadow: { compareWrites: 'validation-only', readBack: readBackItem(201) },
  // Documented only: the body is decoded and checked with Python semantics, in the legacy order.
  openapi: {
    tags: ['estoque'],
    summary: 'Create an item (codigo unique)',
    request: { body: { required: true, content: { 'application/json': { schema: NewItemBody } } } },
    responses: {
      201: { description: 'The item created', content: { 'application/json': { schema: ItemSchema } } },
      400: errorResponse('Requisição inválida | Dados inválidos | Código e nome são obrigatórios | Unidade inválida | Categoria inválida | Quantidade inválida'),
      401: UnauthenticatedResponse,
      409: errorResponse('Código já existe'),
      ...BodyErrors,
      503: UnavailableResponse,
    },
  },
  handle: handleEstoqueItensCreate,
})
