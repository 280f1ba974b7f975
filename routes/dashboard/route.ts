import type { Db } from 'mongodb'
import { defineRoute } from '../../core/route.js'
import { cachedJsonResponse } from '../../core/legacy-json.js'
import { DAY_MS, startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { movementsJson } from '../shared/movements-json.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { countMovementsBetween, findActiveItems, findLatestMovements, findWeekMovements } from './queries.js'
import { DashboardResponse } from './schemas.js'
import { findItemColumns, findWeekColumns } from './columns.js'
import { perDay, summarizeItemColumns, summarizeItems, weekRows } from './summarize.js'

/** `GET /api/dashboard` (api_dashboard.dashboard). */
export const dashboard = defineRoute({
  name: 'dashboard',
  methods: ['GET'],
  rule: '/api/dashboard',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['dashboard'],
    summary: 'Stock totals, items below minimum, latest movements and the last 7 days',
    responses: {
      200: { description: 'The dashboard', content: { 'application/json': { schema: DashboardResponse } } },
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  async handle(ctx) {
    const today = startOfUtcDay(new Date())
    // The body depends on the data and on the current UTC day only (not on the user).
    return cachedJsonResponse(ctx.cache, `dashboard:${today.toISOString()}`, () => compute(ctx.db, today))
  },
})

async function compute(db: Db, today: Date) {
  const tomorrow = new Date(today.getTime() + DAY_MS)
  const weekStart = new Date(today.getTime() - 6 * DAY_MS)
  // Independent queries run concurrently; any rejection (e.g. MongoDB down) becomes the route's error answer,
  // and Python's rules run once every query has answered (a database error wins over a PythonError). The sums
  // come from columns (columns.ts), or from the documents, as the legacy reads them, where those cannot stand.
  const [itemColumns, movimentacoesHoje, ultimas, semana] = await Promise.all([
    findItemColumns(db),
    countMovementsBetween(db, today, tomorrow),
    findLatestMovements(db, 10).then((movs) => movementsJson(db, movs)),
    findWeekColumns(db, weekStart, tomorrow).then((columns) => (columns ? weekRows(columns) : findWeekMovements(db, weekStart, tomorrow))),
  ])
  const itens = (itemColumns && summarizeItemColumns(itemColumns)) ?? summarizeItems(await findActiveItems(db))
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
