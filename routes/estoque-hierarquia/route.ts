import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Db } from 'mongodb'
import type { GatewayEnv } from '../../gateway/env.js'
import { legacyError, legacyJson } from '../shared/legacy-json.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse, routeGroup, asRouteResponse } from '../shared/openapi.js'
import { nonEmptyArg, requestArgs } from '../shared/request-args.js'
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

export function hierarchyRoutes(db: Db) {
  const app = routeGroup()
  app.openapi(route, async (c) => asRouteResponse(await handle(c)))
  async function handle(c: Context<GatewayEnv>): Promise<Response> {
    const args = requestArgs(c)
    const incluir = (args.get('incluir_inativos') ?? 'false').toLowerCase()
    if (!INCLUDE.includes(incluir) && !EXCLUDE.includes(incluir)) {
      return legacyError(c, 'Parâmetro inválido: incluir_inativos')
    }
    const items = await findHierarchyItems(db, INCLUDE.includes(incluir))
    return legacyJson(c, buildTree(items, nonEmptyArg(args, 'categoria')))
  }
  return app
}
