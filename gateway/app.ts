import { Hono } from 'hono'
import type { Config } from './config/config.js'
import type { GatewayEnv } from '../core/env.js'
import type { MongoHandle } from './mongo/mongo.js'
import type { Logger } from '../core/logger.js'
import type { RouteSettings } from '../core/route-settings.js'
import { RouteRouter, type UrlMatcher } from '../core/router.js'
import { dispatch, type LegacyForward } from '../core/dispatch.js'
import { loginRequired, sessionSecretKeys } from '../core/auth/require-user.js'
import { createUserLookup } from '../core/auth/user-lookup.js'
import { DbAdmission } from '../core/db-admission.js'
import type { RouteServices } from '../core/route.js'
import type { GatewayMetrics } from './observability/metrics.js'
import { requestLog } from './observability/request-log.js'
import { requestId } from './observability/request-id.js'
import { forwardingTrust } from '../core/forwarding-trust.js'
import { requestMetrics } from './observability/request-metrics.js'
import { labelUpstream } from './observability/label-upstream.js'
import { errorResponses } from './errors/error-responses.js'
import { healthRoutes } from './health/health.js'
import { adminEndpointsEnabled, adminRoutes } from './admin/admin-routes.js'
import { createShadow } from './shadow/index.js'
import { shadowApi } from './shadow/shadow-api.js'
import { boardRoutes } from './board/board-routes.js'
import { TrafficCounters } from './board/traffic.js'
import exportedUrlMap from '../routes/legacy-url-map.json' with { type: 'json' }
import { legacyProxy } from '../legacy-proxy/proxy.js'
import { probeLegacy } from '../legacy-proxy/probe.js'
import { openApiDocs } from '../routes/openapi-docs.js'
import type { ResponseCache } from '../core/response-cache.js'
import { invalidateOnWrites } from './cache/invalidate-on-writes.js'
import { speed } from './speed/speed.js'
import { openApiPath } from './routing/url-map.js'
import { controlApi } from '../control/admin-api.js'
import { scheduleApi } from '../control/schedule-api.js'
import { sharedCounts } from '../control/shared-counts.js'
import type { ControlPlane } from './control-plane.js'
import { clusterAwareMetrics } from './cluster.js'
import { testerOverride } from './routing/tester-override.js'

export type GatewayApp = Hono<GatewayEnv>

export type AppDeps = {
  config: Config
  mongo: MongoHandle
  logger: Logger
  settings: RouteSettings
  urlMap: UrlMatcher
  /** CACHE_TTL_MS > 0: the dashboard / hierarchy response cache (memory or Redis). */
  cache?: ResponseCache
  metrics: GatewayMetrics
  control: ControlPlane
}

/** The whole gateway as one Hono app, shared by the Node server and the Vercel function. */
export function createApp({ config, mongo, logger, settings, urlMap, cache, metrics, control }: AppDeps): GatewayApp {
  const app = new Hono<GatewayEnv>()
  const legacy: LegacyForward = legacyProxy({
    target: config.LEGACY_URL,
    connectTimeoutMs: config.LEGACY_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: config.LEGACY_TIMEOUT_MS,
    keepAlive: config.LEGACY_KEEP_ALIVE,
    logger,
    requestBody: {
      memoryBytes: config.LEGACY_REQUEST_BUFFER_BYTES,
      maxBytes: config.LEGACY_MAX_BODY_BYTES,
      idleTimeoutMs: config.LEGACY_CLIENT_BODY_TIMEOUT_MS,
    },
    responseBuffer: { memoryBytes: config.LEGACY_RESPONSE_BUFFER_BYTES, tempFileMaxBytes: config.LEGACY_RESPONSE_TEMP_FILE_MAX_BYTES },
    tempDir: config.LEGACY_TEMP_DIR,
    admission: {
      requests: { maxInFlight: config.LEGACY_MAX_CONCURRENCY, queueSize: config.LEGACY_QUEUE_SIZE, queueTimeoutMs: config.LEGACY_QUEUE_TIMEOUT_MS },
      streams: { maxInFlight: config.LEGACY_MAX_STREAMS, queueSize: config.LEGACY_QUEUE_SIZE, queueTimeoutMs: config.LEGACY_QUEUE_TIMEOUT_MS },
      retryAfterSeconds: config.LEGACY_RETRY_AFTER_SECONDS,
    },
    observer: metrics.legacyAdmission,
  })
  // Shadow comparisons and the board's traffic counters, shared through MongoDB (docs/routes.md, "Shadow mode").
  const shadow = createShadow({
    config,
    db: mongo.db,
    legacy,
    metrics,
    logger,
    instance: control.instance,
    declarations: settings.declarations,
    // The guards' windows count what a person would: a race or a write not compared is neither a match nor a mismatch.
    onResult: (route, result) => {
      if (result === 'match' || result === 'mismatch' || result === 'error' || result === 'skipped') control.recorder.recordComparison(route, result)
    },
  })
  const traffic = new TrafficCounters(mongo.db, logger, { retentionSeconds: config.SHADOW_RETENTION_SECONDS, flushMs: config.SHADOW_FLUSH_MS, ensureIndexes: config.ENSURE_INDEXES })
  control.flushOnStop(() => shadow.flush())
  control.flushOnStop(() => traffic.flush())
  const secretKeys = sessionSecretKeys(config)
  const services: RouteServices = {
    db: mongo.db,
    logger,
    ...(cache ? { cache } : {}),
    settings: {
      secretKeys,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      loginRateLimitPerIp: config.LOGIN_RATE_LIMIT_PER_IP,
      loginRateLimitPerEmail: config.LOGIN_RATE_LIMIT_PER_EMAIL,
      idempotencyLeaseMs: config.IDEMPOTENCY_LEASE_MS,
    },
  }

  // The gateway's runs of migrated routes hand MongoDB a bounded amount of work at once (docs/concurrency.md).
  const admission = new DbAdmission({
    maxConcurrent: config.MONGODB_MAX_CONCURRENT_REQUESTS,
    maxQueued: config.MONGODB_MAX_QUEUED_REQUESTS,
    queueTimeoutMs: config.MONGODB_QUEUE_TIMEOUT_MS,
    adaptive: config.MONGODB_ADAPTIVE_CONCURRENCY,
  }, metrics.dbAdmission)
  metrics.watchDbAdmission(admission)

  // First: from here on the request's forwarding headers say only what trusted proxies said.
  app.use(forwardingTrust(config.TRUST_PROXY))
  app.use(requestId())
  app.use(async (c, next) => {
    control.live.refreshIfStale()
    await next()
  })
  app.use(requestLog(logger))
  if (config.REQUEST_METRICS) app.use(requestMetrics(metrics))
  app.use(traffic.middleware())
  app.use(labelUpstream())
  app.use(speed({ etag: config.ETAG, compression: config.COMPRESSION }))
  if (cache) app.use(invalidateOnWrites(cache))
  app.onError(errorResponses(logger))

  // The gateway's own endpoints come first; then the dispatcher decides who answers everything else.
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
  const adminEnabled = adminEndpointsEnabled(config)
  if (!adminEnabled) logger.warn('admin endpoints off: NODE_ENV=production and no ADMIN_TOKEN; /_gateway/* and /metrics answer 404 (set ADMIN_TOKEN to enable them)')
  else if (!config.ADMIN_TOKEN) logger.warn('admin endpoints open without a token (NODE_ENV is not production); set ADMIN_TOKEN to protect /_gateway/* and /metrics')
  app.route(
    '/',
    adminRoutes({
      settings,
      metrics,
      shadow: shadow.recorder,
      token: config.ADMIN_TOKEN,
      enabled: adminEnabled,
      control: controlApi({ settings, control }).route('/', scheduleApi({ settings, control })),
      metricsText: clusterAwareMetrics(metrics.registry),
      instance: control.instance,
      shared: {
        counts: () => (control.breaker.allows() ? sharedCounts(control.windows) : Promise.reject(new Error('database breaker open'))),
        status: () => ({ dbBreaker: control.breaker.status(), windows: control.recorder.status(), guards: control.loop.status() }),
      },
      extra: [
        shadowApi(shadow, settings),
        boardRoutes({
          settings,
          shadow,
          traffic,
          store: control.store,
          urlMap: exportedUrlMap,
          endpointFor: (rule, method) => urlMap.endpointFor?.(rule, method),
          fallbackCounts: () => metrics.fallbackCounts(),
        }),
      ],
    }),
  )
  app.route('/', openApiDocs(settings.declarations, openApiPath))
  app.use(
    dispatch({
      router: new RouteRouter(settings.declarations, urlMap),
      settings,
      services,
      legacy,
      authenticate: loginRequired({
        db: mongo.db,
        secretKeys,
        userLookup: createUserLookup(mongo.db.collection('usuarios'), { ttlMs: config.SESSION_USER_CACHE_TTL_MS, maxEntries: config.SESSION_USER_CACHE_MAX }),
        sessionCacheMax: config.SESSION_COOKIE_CACHE_MAX,
      }),
      // The breaker first: while it is open a run is refused at once, before it could queue for the database.
      admit: (work, kind) => control.breaker.run(() => admission.run(work, kind)),
      logger,
      shadow: shadow.run,
      observe: (event) => metrics.countDecision(event),
      outcome: (event) => control.recorder.recordOutcome(event),
      overrideSide: testerOverride(config.ADMIN_TOKEN),
    }),
  )
  return app
}
