import { defineRoute } from '../../core/route.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { handleEstoqueItensList } from './list-handler.js'
import { EstoqueItensListQuery, EstoqueItensListResponse } from './list-schemas.js'

/** GET /api/estoque/itens (legacy view `api_estoque.listar_itens`): active items, searched and filtered. */
export const estoqueItensList = defineRoute({
  name: 'estoque-itens-list',
  methods: ['GET'],
  rule: '/api/estoque/itens',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['estoque'],
    summary: 'Active items sorted by codigo; `q` searches codigo and nome, `categoria` filters',
    request: { query: EstoqueItensListQuery },
    responses: {
      200: { description: 'The items', content: { 'application/json': { schema: EstoqueItensListResponse } } },
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  handle: handleEstoqueItensList,
})
