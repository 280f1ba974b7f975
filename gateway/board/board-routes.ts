import { Hono } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import { BOARD_SCRIPT } from './board-client.js'
import { boardData, type BoardDeps } from './board-data.js'
import { BOARD_CSP, BOARD_CSS, BOARD_HTML } from './board-page.js'

/**
 * The migration board: `GET /_gateway/` (HTML), its script and style sheet, and `GET /_gateway/board/data`.
 * Mounted with the admin endpoints, behind the same token (gateway/board/admin-auth.ts).
 */
export function boardRoutes(deps: BoardDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  const page = { 'content-security-policy': BOARD_CSP, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }
  app.get('/_gateway', (c) => c.redirect('/_gateway/', 308))
  app.get('/_gateway/', (c) => c.html(BOARD_HTML, 200, page))
  app.get('/_gateway/board.js', (c) => c.body(BOARD_SCRIPT, 200, { ...page, 'content-type': 'text/javascript; charset=utf-8' }))
  app.get('/_gateway/board.css', (c) => c.body(BOARD_CSS, 200, { ...page, 'content-type': 'text/css; charset=utf-8' }))
  app.get('/_gateway/board/data', async (c) => c.json(await boardData(deps), 200, { 'cache-control': 'no-store' }))
  return app
}
