import { defineRoute } from '../../core/route.js'
import { cachedJsonResponse, jsonErrorResponse } from '../../core/legacy-json.js'
import { nonEmptyArg } from '../../compat/werkzeug/query-string.js'
import { UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { buildTree } from './build-tree.js'
import { findHierarchyItems } from './query.js'
import { HierarchyQuery, HierarchyResponse } from './schemas.js'

const INCLUDE = ['true', '1', 'sim']
const EXCLUDE = ['false', '0', 'nao']

/** `GET /api/estoque/hierarquia` (api_estoque.hierarquia). */
export const hierarchy = defineRoute({
  name: 'estoque-hierarquia',
  methods: ['GET'],
  rule: '/api/estoque/hierarquia',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['estoque'],
    summary: 'Items grouped by category and subcategory, with totals',
    request: { query: HierarchyQuery },
    responses: {
      200: { description: 'The category tree', content: { 'application/json': { schema: HierarchyResponse } } },
      400: errorResponse('Parâmetro inválido: incluir_inativos'),
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  async handle(ctx) {
    const args = ctx.args()
    const incluir = (args.get('incluir_inativos') ?? 'false').toLowerCase()
    if (!INCLUDE.includes(incluir) && !EXCLUDE.includes(incluir)) return jsonErrorResponse('Parâmetro inválido: incluir_inativos')
    const includeInactive = INCLUDE.includes(incluir)
    const categoria = nonEmptyArg(args, 'categoria')
    const key = `hierarquia:${includeInactive ? 1 : 0}:${categoria ?? ''}`
    return cachedJsonResponse(ctx.cache, key, async () => buildTree(await findHierarchyItems(ctx.db, includeInactive), categoria))
  },
})
