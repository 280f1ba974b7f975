import type { MiddlewareHandler } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { ResponseCache } from '../../core/response-cache.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Every write to `/api/...` that passes through the gateway — the migrated POST /api/movimentacoes and the
 * proxied legacy writes (item CRUD, CSV import) — invalidates the response cache before and after it runs.
 * For gateway-answered writes the second invalidation completes before the response is sent, so the client's
 * next GET sees the new stock; for proxied writes it runs as the proxied response ends (best effort: a GET
 * racing it may still read the cached body, bounded by the TTL). Writes that bypass the gateway are only
 * bounded by the TTL.
 */
export function invalidateOnWrites(cache: ResponseCache): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || !c.req.path.startsWith('/api/')) return next()
    await cache.invalidate()
    try {
      await next()
    } finally {
      await cache.invalidate()
    }
  }
}
