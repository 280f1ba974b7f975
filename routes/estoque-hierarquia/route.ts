import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Db } from 'mongodb'
import type { GatewayEnv } from '../../core/env.js'
import { cachedLegacyJson, legacyError } from '../../core/legacy-json.js'
import type { ResponseCache } from '../../core/response-cache.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse, routeGroup, asRouteResponse } from '../shared/openapi.js'
import { nonEmptyArg, requestArgs } from '../../compat/werkzeug/request-args.js'
import { buildTree } from './build-tree.js'
import { findHierarchyItems } from './query.js'
import { HierarchyQuery, HierarchyResponse } from './schemas.js'

const route = createRoute({
  method: 'get',
  path: '/api/estoque/hierarquia',
  tags: ['estoque'],
  summary: 'Items grouped by category and subcategory, with totals',
  request: { query: HierarchyQuery },
  responses: {
    200: { description: 'The category tree', content: { 'application/json': { schema: HierarchyResponse } } },
    400: errorResponse('Parâmetro inválido: incluir_inativos'),
    401: UnauthenticatedResponse,
    503: UnavailableResponse,
  },
})

const INCLUDE = ['true', '1', 'sim']
const EXCLUDE = ['false', '0', 'nao']

export function hierarchyRoutes(db: Db, cache?: ResponseCache) {
  const app = routeGroup()
  app.openapi(route, async (c) => asRouteResponse(await handle(c)))
  async function handle(c: Context<GatewayEnv>): Promise<Response> {
    const args = requestArgs(c)
    const incluir = (args.get('incluir_inativos') ?? 'false').toLowerCase()
    if (!INCLUDE.includes(incluir) && !EXCLUDE.includes(incluir)) {
      return legacyError(c, 'Parâmetro inválido: incluir_inativos')
    }
    const includeInactive = INCLUDE.includes(incluir)
    const categoria = nonEmptyArg(args, 'categoria')
    const key = `hierarquia:${includeInactive ? 1 : 0}:${categoria ?? ''}`
    return cachedLegacyJson(c, cache, key, async () => buildTree(await findHierarchyItems(db, includeInactive), categoria))
  }
  return app
}
