import cluster from 'node:cluster'
import { Hono, type Context } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { RouteSettings } from '../../core/route-settings.js'
import type { GatewayMetrics } from '../observability/metrics.js'
import type { ShadowRecorder } from '../shadow/shadow-recorder.js'
import { STATUS_WINDOW_SECONDS, type SharedRouteCounts } from '../../control/shared-counts.js'
import { adminAuth } from '../board/admin-auth.js'

export type AdminOptions = {
  settings: RouteSettings
  metrics: GatewayMetrics
  shadow: ShadowRecorder
  /** When set, both endpoints require `Authorization: Bearer <token>`. */
  token: string | undefined
  /** The live route control API (control/admin-api.ts), behind the same token. */
  control: Hono<GatewayEnv>
  /** Off: both answer 404, as if they did not exist (production without a token). */
  enabled: boolean
  /** The `/metrics` text: every worker's, aggregated, in a cluster (gateway/cluster.ts). */
  metricsText: () => Promise<string>
  /** Which instance and process answered, in `/_gateway/status`. */
  instance: string
  /** Counts of every worker of every instance (the shared windows), and the control plane's own state. */
  shared: { counts: () => Promise<Map<string, SharedRouteCounts>>; status: () => Record<string, unknown> }
  /** More admin endpoints behind the same token (the shadow results, the board). */
  extra?: readonly Hono<GatewayEnv>[]
}

/** In production the admin endpoints need a token; without one they are off (docs/deploy.md). */
export function adminEndpointsEnabled(config: { NODE_ENV?: string | undefined; ADMIN_TOKEN?: string | undefined }): boolean {
  return Boolean(config.ADMIN_TOKEN) || config.NODE_ENV !== 'production'
}

/** `/_gateway/status` (the migration at a glance, JSON) and `/metrics` (Prometheus). */
export function adminRoutes({ settings, metrics, shadow, token, control, enabled, metricsText, instance, shared, extra = [] }: AdminOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  if (!enabled) {
    const notFound = (c: Context<GatewayEnv>) => c.json({ erro: 'Recurso não encontrado' }, 404, { 'cache-control': 'no-store' })
    app.all('/_gateway', notFound)
    app.all('/_gateway/*', notFound)
    app.all('/metrics', notFound)
    return app
  }
  if (token) {
    // Bearer header, or the board's cookie (gateway/board/admin-auth.ts).
    const auth = adminAuth(token)
    app.use('/_gateway', auth)
    app.use('/_gateway/*', auth)
    app.use('/metrics', auth)
  }
  app.route('/', control)
  for (const routes of extra) app.route('/', routes)
  const startedAt = Date.now()

  app.get('/_gateway/status', async (c) => {
    const [latency, fallbacks, counts] = await Promise.all([
      metrics.latencyByRoute(),
      metrics.fallbackCounts(),
      // The shared store may be down: the rest of the status still answers.
      shared.counts().then(
        (value) => ({ value, error: null }),
        (error: unknown) => ({ value: new Map<string, SharedRouteCounts>(), error: (error as Error).message }),
      ),
    ])
    const everywhere = (name: string) => counts.value.get(name) ?? { gateway: 0, legacy: 0, byInstance: {} }
    const describe = (name: string) => {
      const sides = latency.get(name) ?? {}
      return {
        served: { gateway: sides.gateway?.count ?? 0, legacy: sides.legacy?.count ?? 0 },
        latencyMs: {
          gateway: { p50: sides.gateway?.p50Ms ?? null, p95: sides.gateway?.p95Ms ?? null },
          legacy: { p50: sides.legacy?.p50Ms ?? null, p95: sides.legacy?.p95Ms ?? null },
        },
      }
    }
    return c.json(
      {
        // `served`, `latencyMs` and `shadow` are this process's; `shared` adds up every worker of every instance
        // (the shared windows, up to WINDOW_FLUSH_MS behind); /metrics adds up every worker of this instance.
        answeredBy: { instance, pid: process.pid, worker: cluster.isWorker ? cluster.worker?.id ?? null : null },
        shared: { windowSeconds: STATUS_WINDOW_SECONDS, storeReachable: counts.error === null, error: counts.error },
        ...shared.status(),
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        windowSeconds: 600,
        routes: settings.declarations.map((declaration) => settings.get(declaration.name)).map((route) => ({
          ...route,
          methods: settings.declarations.find((declaration) => declaration.name === route.name)!.methods,
          rule: settings.declarations.find((declaration) => declaration.name === route.name)!.rule,
          ...describe(route.name),
          fallbacks: fallbacks.get(route.name) ?? 0,
          shared: everywhere(route.name),
          ...(route.mode === 'shadow' || shadow.summary(route.name).match + shadow.summary(route.name).mismatch > 0
            ? { shadow: shadow.summary(route.name) }
            : {}),
        })),
        unlisted: describe('unlisted'),
      },
      200,
      { 'cache-control': 'no-store' },
    )
  })

  app.get('/metrics', async (c) => {
    let text: string
    try {
      text = await metricsText()
    } catch (error) {
      return c.json({ erro: error instanceof Error ? error.message : 'metrics unavailable' }, 503, { 'cache-control': 'no-store' })
    }
    return c.body(text, 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' })
  })
  return app
}
