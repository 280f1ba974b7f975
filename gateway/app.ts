import { OpenAPIHono } from '@hono/zod-openapi'
import type { Config } from './config/config.js'
import type { GatewayEnv } from '../core/env.js'
import type { MongoHandle } from './mongo/mongo.js'
import type { Logger } from '../core/logger.js'
import type { RouteTable } from './dispatch/route-table.js'
import { GatewayMetrics } from './observability/metrics.js'
import { requestLog } from './observability/request-log.js'
import { requestId } from './observability/request-id.js'
import { requestMetrics } from './observability/request-metrics.js'
import { labelUpstream } from './observability/label-upstream.js'
import { errorResponses } from './errors/error-responses.js'
import { healthRoutes } from './health/health.js'
import { adminRoutes } from './admin/admin-routes.js'
import { dispatch } from './dispatch/dispatch.js'
import { ShadowRecorder } from './shadow/shadow-recorder.js'
import { legacyProxy } from '../legacy-proxy/proxy.js'
import { probeLegacy } from '../legacy-proxy/probe.js'
import { migratedRoutes } from '../routes/index.js'
import { openApiDocs } from '../routes/openapi-docs.js'
import type { ResponseCache } from '../core/response-cache.js'
import { invalidateOnWrites } from './cache/invalidate-on-writes.js'
import { speed } from './speed/speed.js'

export type AppDeps = {
  config: Config
  mongo: MongoHandle
  logger: Logger
  routeTable: RouteTable
  /** CACHE_TTL_MS > 0: the dashboard / hierarchy response cache (memory or Redis). */
  cache?: ResponseCache
}

/** The whole gateway as one Hono app, shared by the Node server and the Vercel function. */
export function createApp({ config, mongo, logger, routeTable, cache }: AppDeps): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>()
  const metrics = new GatewayMetrics()
  const shadow = new ShadowRecorder(metrics)
  const legacy = legacyProxy({
    target: config.LEGACY_URL,
    connectTimeoutMs: config.LEGACY_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: config.LEGACY_TIMEOUT_MS,
    keepAlive: config.LEGACY_KEEP_ALIVE,
    logger,
  })
  const onError = errorResponses(logger)
  const migrated = migratedRoutes({ db: mongo.db, config, logger, legacy, cache })
  migrated.onError(onError)

  app.use(requestId())
  app.use(requestLog(logger))
  app.use(requestMetrics(metrics))
  app.use(labelUpstream())
  // Main app only (never inside `migrated`: shadow mode calls migrated.fetch and compares plain bodies).
  app.use(speed({ etag: config.ETAG, compression: config.COMPRESSION }))
  if (cache) app.use(invalidateOnWrites(cache))
  app.onError(onError)

  // The gateway's own endpoints come first; then the route table decides who answers everything else.
  app.route(
    '/',
    healthRoutes({
      timeoutMs: 1000,
      probes: {
        mongodb: () => mongo.ping(),
        legacy: () => probeLegacy(config.LEGACY_URL, 1000),
      },
    }),
  )
  app.route('/', adminRoutes({ table: routeTable, metrics, shadow, token: config.ADMIN_TOKEN }))
  app.route('/', openApiDocs(migrated))
  app.use(
    dispatch({
      table: routeTable,
      legacy,
      runGateway: async (request) => migrated.fetch(request),
      shadow,
      metrics,
      shadowBodyLimitBytes: config.SHADOW_BODY_LIMIT_BYTES,
    }),
  )
  app.route('/', migrated)
  return app
}
