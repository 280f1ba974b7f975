import { Hono } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { RouteSettings } from '../../core/route-settings.js'
import type { Shadow } from './index.js'

/** Longest window `GET /_gateway/shadow?minutes=` reads (the store keeps SHADOW_RETENTION_SECONDS anyway). */
export const MAX_WINDOW_MINUTES = 24 * 60

/**
 * `GET /_gateway/shadow[?minutes=60&route=name]`: every instance's shadow results from the shared store —
 * counts, match rate with its sample size, differing paths with examples, learned noise, both sides'
 * latency and errors, a per-minute series and the newest redacted samples. Mounted behind the admin token.
 */
export function shadowApi(shadow: Shadow, settings: RouteSettings): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  app.get('/_gateway/shadow', async (c) => {
    const minutes = Number(c.req.query('minutes') ?? 60)
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_WINDOW_MINUTES) {
      return c.json({ erro: 'invalid request', problems: [`minutes: an integer from 1 to ${MAX_WINDOW_MINUTES}`] }, 400)
    }
    const only = c.req.query('route')
    if (only !== undefined && !settings.declarations.some((route) => route.name === only)) return c.json({ erro: 'unknown route', problems: [`unknown route "${only}"`] }, 404)
    await shadow.flush()
    const reports = await shadow.store.report(minutes * 60_000)
    const routes = settings.declarations
      .filter((route) => only === undefined || route.name === only)
      .map((declaration) => {
        const effective = settings.get(declaration.name)
        const report = reports.get(declaration.name)
        return { name: declaration.name, mode: effective.mode, noiseInForce: shadow.noise.paths(declaration.name), ...(report ?? { compared: 0, matchRate: null }) }
      })
      .filter((route) => only !== undefined || route.mode === 'shadow' || 'counts' in route)
    return c.json({ windowMinutes: minutes, routes }, 200, { 'cache-control': 'no-store' })
  })
  return app
}
