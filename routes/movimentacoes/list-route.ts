import { defineRoute } from '../../core/route.js'
import { jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import { movementsJson } from '../shared/movements-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { parseListRequest } from './list-filter.js'
import { findMovementPage } from './list-query.js'
import { ListQuery, ListResponse } from './list-schemas.js'

/** `GET /api/movimentacoes` (api_movimentacoes.listar). */
export const listMovements = defineRoute({
  name: 'movimentacoes-list',
  methods: ['GET'],
  rule: '/api/movimentacoes',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['movimentacoes'],
    summary: 'Movements, newest first, filtered and paginated',
    request: { query: ListQuery },
    responses: {
      200: { description: 'One page of movements', content: { 'application/json': { schema: ListResponse } } },
      400: errorResponse('Item inválido | Tipo inválido | Data inválida: inicio | Data inválida: fim | Página inválida'),
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  async handle(ctx) {
    const request = parseListRequest(ctx.args())
    if (!request.ok) return jsonErrorResponse(request.erro, request.status)
    const { total, docs } = await findMovementPage(ctx.db, request.filter, request.skip, request.porPagina)
    const count = BigInt(total)
    return jsonResponse({
      movimentacoes: await movementsJson(ctx.db, docs),
      pagina: request.pagina,
      por_pagina: request.porPagina,
      total: count,
      // math.ceil(total / por_pagina): exact for any count MongoDB can hold.
      paginas: (count + request.porPagina - 1n) / request.porPagina,
    })
  },
})
