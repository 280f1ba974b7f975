import { z } from '@hono/zod-openapi'
import { defineRoute } from '../../core/route.js'
import { acceptEncodingsContain } from '../../compat/werkzeug/accept.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { loadItemLabels, openMovementCursor, reportBody } from './report-stream.js'

const HEADERS = {
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': 'attachment; filename=movimentacoes.csv',
  vary: 'Accept-Encoding',
}

/**
 * `GET /api/relatorios/movimentacoes.csv` (api_relatorios.movimentacoes_csv): every movement, oldest first,
 * streamed from a MongoDB cursor. The item labels and the cursor's first batch are read before the
 * Response is returned, so a failure there is still a plain error answer (and, with fallback, the legacy
 * app answers); once the first byte is out, a failure can only cut the stream, as in the legacy app.
 */
export const movementsReport = defineRoute({
  name: 'relatorios-movimentacoes-csv',
  methods: ['GET'],
  rule: '/api/relatorios/movimentacoes.csv',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['relatorios'],
    summary: 'Every movement as CSV (streamed; gzip when Accept-Encoding names gzip or *)',
    responses: {
      200: {
        description: 'data,item_codigo,item_nome,tipo,quantidade,estoque_anterior,estoque_posterior,usuario,observacao — Python csv.writer rows, CRLF',
        content: { 'text/csv': { schema: z.string() } },
      },
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  async handle(ctx) {
    // Werkzeug's `"gzip" in request.accept_encodings`: `gzip;q=0` and `*` count too (compat/werkzeug/accept.ts).
    const gzip = acceptEncodingsContain(ctx.request.headers.get('accept-encoding'), 'gzip')
    const headers = gzip ? { ...HEADERS, 'content-encoding': 'gzip' } : HEADERS
    if (ctx.method === 'HEAD') return new Response(null, { status: 200, headers })
    const items = await loadItemLabels(ctx.db)
    const cursor = openMovementCursor(ctx.db)
    try {
      await cursor.hasNext()
    } catch (error) {
      await cursor.close().catch(() => undefined)
      throw error
    }
    return new Response(reportBody(cursor, items, { gzip, logger: ctx.logger, requestId: ctx.requestId }), { status: 200, headers })
  },
})
