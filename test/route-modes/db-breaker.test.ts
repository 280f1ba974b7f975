// The database breaker on a real gateway whose own MongoDB the test stops: after DB_BREAKER_FAILURES runs that
// waited for an unreachable database, the next ones are refused at once (counted, not timed), and one probe
// after the cool-down closes it again once MongoDB is back.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startLocalMongo, type LocalMongo } from '../../scripts/local-mongo/index.js'
import { seed } from '../../scripts/seed/index.js'
import { connectTestDb } from '../support/mongo.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { readJson } from '../support/http.js'
import { loginAs } from './support.js'

const dbName = 'estoque_breaker'
let ownMongo: LocalMongo
let legacyDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let gateway: GatewayProcess
let cookie: string

/** The local server keeps its data in memory: a restart starts it empty. */
async function seedOwn(): Promise<void> {
  const client = await new MongoClient(ownMongo.uri).connect()
  await seed(client.db(dbName), { items: 5, movements: 10 }).finally(() => client.close())
}

beforeAll(async () => {
  if (process.env.MONGODB_URI) throw new Error('this test stops its own MongoDB; unset MONGODB_URI to run it')
  ownMongo = await startLocalMongo()
  await seedOwn()
  legacyDb = await connectTestDb('breaker_legacy')
  await seed(legacyDb.db, { items: 5, movements: 10 })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: legacyDb.db.databaseName, secretKey: TEST_SECRET_KEY })
  const routesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'routes-')), 'routes.json')
  writeFileSync(routesFile, JSON.stringify({ routes: { dashboard: { fallback: false } } }))
  gateway = await startGateway({ mongoUri: ownMongo.uri, dbName, legacyUrl: legacy.url, env: { ROUTES_FILE: routesFile, DB_BREAKER_FAILURES: '2', DB_BREAKER_COOLDOWN_MS: '3000' } })
  cookie = await loginAs(legacy.url, 'breaker-test')
})

afterAll(async () => {
  await gateway?.stop()
  await legacy?.stop()
  await ownMongo?.stop()
  await legacyDb?.drop()
})

const dashboard = async () => {
  const response = await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie } })
  return { status: response.status, body: await response.text() }
}
const breaker = async () => (await readJson(await fetch(`${gateway.url}/_gateway/status`))).dbBreaker as { state: string; opens: number; rejected: number }

describe('database breaker', () => {
  it('opens after consecutive failures, refuses at once while open, and closes after a good probe', async () => {
    expect((await dashboard()).status).toBe(200)
    expect(await breaker()).toMatchObject({ state: 'closed', opens: 0, rejected: 0 })
    await ownMongo.stop()
    for (let i = 0; i < 2; i++) expect((await dashboard()).status).toBe(503)
    expect(await breaker()).toMatchObject({ state: 'open', opens: 1, rejected: 0 })
    for (let i = 0; i < 3; i++) {
      const refused = await dashboard()
      expect(refused.status).toBe(503)
      expect(JSON.parse(refused.body)).toEqual({ erro: 'Banco de dados indisponível' })
    }
    // Refused by the breaker, not after a wait on the database.
    expect(await breaker()).toMatchObject({ state: 'open', opens: 1, rejected: 3 })

    await ownMongo.restart!()
    await seedOwn()
    const deadline = Date.now() + 20_000
    let answer = await dashboard()
    while (answer.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      answer = await dashboard()
    }
    expect(answer.status).toBe(200)
    expect((await breaker()).state).toBe('closed')
  })
})
