// One shared stack for suites comparing the legacy app with the gateway: MongoDB (the shared test server),
// the real legacy app (gunicorn) and the real gateway on real ports, and a logged-in session cookie.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient, type Db } from 'mongodb'
import { afterAll, beforeAll, inject } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { login } from '../support/login.js'
import { testDbName } from '../support/mongo.js'
import { addParityFixtures } from './fixtures.js'
import { withoutFallback } from './migrated-routes.js'

/** A database with a legacy app on it and, unless `legacyOnly`, a gateway in front of that legacy app. */
export type Deployment = { db: Db; dbName: string; legacy: LegacyApp; gateway?: GatewayProcess }

export type StackOptions = {
  prefix: string
  /** What every database starts with (default: the seeder relative to `now`, plus the parity fixtures). */
  seed?: (db: Db, now: Date) => Promise<void>
  /** Also start twin databases (same seed): the legacy app alone on one, legacy + gateway on the other. */
  twins?: boolean
  /** gunicorn sync workers of the legacy apps. */
  workers?: number
  /** Extra gateway environment. Fallback to the legacy app is off on every migrated route unless given here. */
  gatewayEnv?: Record<string, string>
}

export type Stack = {
  client: MongoClient
  /** The real clock when the databases were seeded (both apps compute "today" from it). */
  now: Date
  /** One database, both apps on it: read cases, data-shape cases. */
  shared: Required<Deployment>
  /** Write cases: `legacy.legacy` answers on one database, `gateway.gateway` on its twin. */
  twins?: { legacy: Deployment; gateway: Required<Deployment> }
  /** A session cookie valid for every app of the stack (same SECRET_KEY, same user ids). */
  cookie: string
}

export const BODY_LIMIT = 65_536
// Several gunicorn and Node processes start at once on a small machine.
const START_TIMEOUT_MS = 90_000

export const defaultSeed = async (db: Db, now: Date): Promise<void> => {
  await seed(db, { now })
  await addParityFixtures(db, now)
}

/** Registers beforeAll/afterAll for a stack; the returned function gives it to the tests. */
export function useStack(options: StackOptions): () => Stack {
  let stack: Stack | undefined
  let client: MongoClient | undefined
  const stoppers: (() => Promise<unknown>)[] = []
  const databases: Db[] = []

  beforeAll(async () => {
    const mongoUri = inject('mongoUri')
    client = await new MongoClient(mongoUri).connect()
    const now = new Date()
    // The legacy app reads MAX_CONTENT_LENGTH from its environment (inherited): same limit on both sides.
    process.env.MAX_CONTENT_LENGTH = String(BODY_LIMIT)
    const routesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'parity-')), 'routes.json')
    writeFileSync(routesFile, withoutFallback())

    const deploy = async (suffix: string, withGateway: boolean): Promise<Deployment> => {
      const dbName = testDbName(`${options.prefix}_${suffix}`)
      const db = client!.db(dbName)
      databases.push(db)
      await (options.seed ?? defaultSeed)(db, now)
      const legacy = await startLegacyApp({ mongoUri, dbName, secretKey: TEST_SECRET_KEY, workers: options.workers })
      stoppers.push(() => legacy.stop())
      if (!withGateway) return { db, dbName, legacy }
      const gateway = await startGateway({
        mongoUri, dbName, legacyUrl: legacy.url, healthTimeoutMs: START_TIMEOUT_MS,
        env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), LOG_LEVEL: 'warn', ROUTES_FILE: routesFile, ...options.gatewayEnv },
      })
      stoppers.push(() => gateway.stop())
      return { db, dbName, legacy, gateway }
    }

    const [shared, twinLegacy, twinGateway] = await Promise.all([
      deploy('shared', true),
      options.twins ? deploy('twin_l', false) : undefined,
      options.twins ? deploy('twin_g', true) : undefined,
    ])
    const cookie = await login(shared.legacy.url)
    stack = {
      client: client!,
      now,
      shared: shared as Required<Deployment>,
      twins: twinLegacy && twinGateway ? { legacy: twinLegacy, gateway: twinGateway as Required<Deployment> } : undefined,
      cookie,
    }
    // Up to five servers start at once; on a loaded machine that outlasts vitest's default hook bound.
  }, 2 * START_TIMEOUT_MS + 60_000)

  afterAll(async () => {
    await Promise.allSettled(stoppers.map((stop) => stop()))
    for (const db of databases) await db.dropDatabase().catch(() => undefined)
    await client?.close()
  })

  return () => {
    if (!stack) throw new Error('the stack is not started (useStack must be called at the top of the test file)')
    return stack
  }
}
