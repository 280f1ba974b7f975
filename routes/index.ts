import { OpenAPIHono } from '@hono/zod-openapi'
import type { Handler } from 'hono'
import type { Db } from 'mongodb'
import { requireUser, sessionSecretKeys } from '../core/auth/require-user.js'
import type { Config } from '../gateway/config/config.js'
import type { GatewayEnv } from '../core/env.js'
import type { Logger } from '../core/logger.js'
import type { ResponseCache } from '../core/response-cache.js'
import { dashboardRoutes } from './dashboard/route.js'
import { ensureDashboardIndexes } from './dashboard/indexes.js'
import { hierarchyRoutes } from './estoque-hierarquia/route.js'
import { ensureHierarchyIndexes } from './estoque-hierarquia/indexes.js'
import { createRoutes } from './movimentacoes/create-route.js'
import { ensureIdempotencyIndexes } from './movimentacoes/idempotency.js'
import { ensureMovementIndexes } from './movimentacoes/indexes.js'
import { listRoutes } from './movimentacoes/list-route.js'
import { loginRoutes } from './login/index.js'
import { legacyValidationHook } from './shared/openapi.js'
import { replicaSetDetector } from './shared/replica-set.js'

export type RouteDeps = {
  db: Db
  config: Config
  logger: Logger
  /** The legacy proxy, for requests a migrated route cannot decide on (e.g. a remember-me cookie only). */
  legacy: Handler<GatewayEnv>
  /** Response cache of the dashboard and the hierarchy (CACHE_TTL_MS > 0). */
  cache?: ResponseCache
}

/** Every migrated route group, behind the Flask session check, mounted behind the dispatcher. */
export function migratedRoutes(deps: RouteDeps): OpenAPIHono<GatewayEnv> {
  const { db, config, logger } = deps
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: legacyValidationHook })
  app.route('/', loginRoutes(deps)) // POST /login, GET /logout: before (not behind) requireUser
  app.use('*', requireUser({ db, secretKeys: sessionSecretKeys(config), legacy: deps.legacy }))
  app.route('/', hierarchyRoutes(db, deps.cache))
  app.route('/', listRoutes(db))
  app.route(
    '/',
    createRoutes({
      db,
      client: db.client,
      logger,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      usesTransactions: replicaSetDetector(db, logger),
    }),
  )
  app.route('/', dashboardRoutes(db, deps.cache))
  return app
}

/** Every index the migrated routes rely on (idempotent: createIndex on an existing index is a no-op). */
export async function ensureIndexes(db: Db): Promise<void> {
  await ensureHierarchyIndexes(db)
  await ensureMovementIndexes(db)
  await ensureIdempotencyIndexes(db)
  await ensureDashboardIndexes(db)
}
