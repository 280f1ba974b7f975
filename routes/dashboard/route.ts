import { defineRoute } from '../../core/route.js'
import { cachedJsonResponse } from '../../core/legacy-json.js'
import { startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { DashboardResponse } from './schemas.js'
import { dashboardBody } from './body.js'

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
    return cachedJsonResponse(ctx.cache, `dashboard:${today.toISOString()}`, () => dashboardBody(ctx.db, today))
  },
})
