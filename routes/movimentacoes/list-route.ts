import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Db } from 'mongodb'
import type { GatewayEnv } from '../../core/env.js'
import { httpErrorResponse, legacyError, legacyJson } from '../../core/legacy-json.js'
import { movementsJson } from '../shared/movements-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse, routeGroup, asRouteResponse } from '../shared/openapi.js'
import { requestArgs } from '../../compat/werkzeug/request-args.js'
import { parseListRequest } from './list-filter.js'
import { findMovementPage } from './list-query.js'
import { ListQuery, ListResponse } from './list-schemas.js'

const route = createRoute({
  method: 'get',
  path: '/api/movimentacoes',
  tags: ['movimentacoes'],
  summary: 'Movements, newest first, filtered and paginated',
  request: { query: ListQuery },
  responses: {
    200: { description: 'One page of movements', content: { 'application/json': { schema: ListResponse } } },
    400: errorResponse('Item inválido | Tipo inválido | Data inválida: inicio | Data inválida: fim'),
    401: UnauthenticatedResponse,
    503: UnavailableResponse,
  },
})

export function listRoutes(db: Db) {
  const app = routeGroup()
  app.openapi(route, async (c) => asRouteResponse(await handle(c)))
  async function handle(c: Context<GatewayEnv>): Promise<Response> {
    const request = parseListRequest(requestArgs(c))
    if (!request.ok) return request.status === 500 ? httpErrorResponse(500) : legacyError(c, request.erro, request.status)
    const { total, docs } = await findMovementPage(db, request.filter, request.skip, request.porPagina)
    const count = BigInt(total)
    return legacyJson(c, {
      movimentacoes: await movementsJson(db, docs),
      pagina: request.pagina,
      por_pagina: request.porPagina,
      total: count,
      // math.ceil(total / por_pagina): exact for any count MongoDB can hold.
      paginas: (count + request.porPagina - 1n) / request.porPagina,
    })
  }
  return app
}
