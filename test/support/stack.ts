// The stack most integration files need: a seeded database on the shared test MongoDB, the real legacy app
// (gunicorn) on it, the real gateway in front of it, and a logged-in session cookie. Registers its own
// beforeAll/afterAll; files that need more (a second gateway, a stopped database) start those themselves.
import type { Db, MongoClient } from 'mongodb'
import { afterAll, beforeAll, inject } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayOptions, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp, type StartLegacyAppOptions } from '../../scripts/dev/legacy-app.js'
import { login } from './login.js'
import { connectTestDb } from './mongo.js'

export type TestStackOptions = {
  /** Database name prefix (a random suffix keeps parallel files apart). */
  prefix: string
  /** What the database starts with (default: the demo seeder's defaults). */
  seed?: (db: Db) => Promise<unknown>
  legacy?: Pick<StartLegacyAppOptions, 'workers'>
  /** The gateway's settings; `false` for files that start their own gateways. */
  gateway?: Pick<GatewayOptions, 'env' | 'healthTimeoutMs'> | false
  /** Where the session cookie is obtained (default: the legacy app's login form); `false`: no login. */
  loginThrough?: 'legacy' | 'gateway' | false
  /** Bound of the start-up hook (default: vitest's hookTimeout), for large seeds. */
  startTimeoutMs?: number
}

export type TestStack = {
  mongoUri: string
  client: MongoClient
  db: Db
  dbName: string
  legacy: LegacyApp
  /** Absent when `gateway: false`. */
  gateway: GatewayProcess
  /** `Cookie` header value of the demo user's session ('' when `loginThrough: false`). */
  cookie: string
}

/** Call at the top of a test file; the returned function gives the started stack to the tests. */
export function useTestStack(options: TestStackOptions): () => TestStack {
  let stack: TestStack | undefined
  let database: Awaited<ReturnType<typeof connectTestDb>> | undefined
  const stoppers: (() => Promise<unknown>)[] = []

  beforeAll(async () => {
    const mongoUri = inject('mongoUri')
    database = await connectTestDb(options.prefix)
    const { db } = database
    await (options.seed ?? ((target: Db) => seed(target)))(db)
    const dbName = db.databaseName
    const legacy = await startLegacyApp({ mongoUri, dbName, secretKey: TEST_SECRET_KEY, ...options.legacy })
    stoppers.push(() => legacy.stop())
    let gateway: GatewayProcess | undefined
    if (options.gateway !== false) {
      gateway = await startGateway({ mongoUri, dbName, legacyUrl: legacy.url, ...options.gateway })
      stoppers.unshift(() => gateway!.stop())
    }
    const through = options.loginThrough ?? 'legacy'
    const cookie = through === false ? '' : await login(through === 'gateway' ? gateway!.url : legacy.url)
    stack = { mongoUri, client: database.client, db, dbName, legacy, gateway: gateway as GatewayProcess, cookie }
  }, options.startTimeoutMs)

  afterAll(async () => {
    // The gateway first (it drains into the legacy app), then the legacy app, then the data.
    for (const stop of stoppers) await stop().catch(() => undefined)
    await database?.drop().catch(() => undefined)
  })

  return () => {
    if (!stack) throw new Error('the test stack is not started (useTestStack must be called at the top of the test file)')
    return stack
  }
}
