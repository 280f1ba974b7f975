import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Db } from 'mongodb'
import type { GatewayEnv } from '../../core/env.js'
import { DAY_MS, startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { cachedLegacyJson } from '../../core/legacy-json.js'
import type { ResponseCache } from '../../core/response-cache.js'
import { movementsJson } from '../shared/movements-json.js'
import { UnauthenticatedResponse, UnavailableResponse, routeGroup, asRouteResponse } from '../shared/openapi.js'
import { countMovementsBetween, findActiveItems, findLatestMovements, findWeekMovements } from './queries.js'
import { DashboardResponse } from './schemas.js'
import { perDay, summarizeItems } from './summarize.js'

const route = createRoute({
  method: 'get',
  path: '/api/dashboard',
  tags: ['dashboard'],
  summary: 'Stock totals, items below minimum, latest movements and the last 7 days',
  responses: {
    200: { description: 'The dashboard', content: { 'application/json': { schema: DashboardResponse } } },
    401: UnauthenticatedResponse,
    503: UnavailableResponse,
  },
})

export function dashboardRoutes(db: Db, cache?: ResponseCache) {
  const app = routeGroup()
  app.openapi(route, async (c) => asRouteResponse(await handle(c)))
  async function handle(c: Context<GatewayEnv>): Promise<Response> {
    const today = startOfUtcDay(new Date())
    const tomorrow = new Date(today.getTime() + DAY_MS)
    const weekStart = new Date(today.getTime() - 6 * DAY_MS)
    // The body depends on the data and on the current UTC day only (not on the user).
    return cachedLegacyJson(c, cache, `dashboard:${today.toISOString()}`, () => compute(today, tomorrow, weekStart))
  }
  async function compute(today: Date, tomorrow: Date, weekStart: Date) {
    // Independent queries run concurrently; any rejection (e.g. MongoDB down) reaches the error handler.
    const [items, movimentacoesHoje, ultimas, semana] = await Promise.all([
      findActiveItems(db),
      countMovementsBetween(db, today, tomorrow),
      findLatestMovements(db, 10).then((movs) => movementsJson(db, movs)),
      findWeekMovements(db, weekStart, tomorrow),
    ])
    const itens = summarizeItems(items)
    return {
      total_itens: itens.total_itens,
      quantidade_total: itens.quantidade_total,
      itens_abaixo_minimo: itens.itens_abaixo_minimo,
      lista_abaixo_minimo: itens.lista_abaixo_minimo,
      movimentacoes_hoje: BigInt(movimentacoesHoje),
      ultimas_movimentacoes: ultimas,
      por_dia: perDay(today, semana),
    }
  }
  return app
}
