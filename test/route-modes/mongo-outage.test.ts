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

// The gateway gets a MongoDB of its own that the test stops and restarts; the legacy app keeps the shared one.
const dbName = 'estoque_outage'
let ownMongo: LocalMongo
let legacyDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let withFallback: GatewayProcess
let withoutFallback: GatewayProcess
let cookie: string

async function seedOwn(): Promise<void> {
  const client = await new MongoClient(ownMongo.uri).connect()
  try {
    await seed(client.db(dbName), { items: 20, movements: 40 })
  } finally {
    await client.close()
  }
}

beforeAll(async () => {
  if (process.env.MONGODB_URI) throw new Error('this test stops its own MongoDB; unset MONGODB_URI to run it')
  ownMongo = await startLocalMongo()
  await seedOwn()
  legacyDb = await connectTestDb('outage_legacy')
  await seed(legacyDb.db, { items: 20, movements: 40 })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: legacyDb.db.databaseName, secretKey: TEST_SECRET_KEY })
  const routesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'routes-')), 'routes.json')
  writeFileSync(routesFile, JSON.stringify({ routes: { dashboard: { fallback: false }, 'movimentacoes-list': { fallback: false } } }))
  withFallback = await startGateway({ mongoUri: ownMongo.uri, dbName, legacyUrl: legacy.url })
  withoutFallback = await startGateway({ mongoUri: ownMongo.uri, dbName, legacyUrl: legacy.url, env: { ROUTES_FILE: routesFile } })
  cookie = await loginAs(legacy.url, 'outage-test')
})

afterAll(async () => {
  await withFallback?.stop()
  await withoutFallback?.stop()
  await legacy?.stop()
  await ownMongo?.stop()
  await legacyDb?.drop()
})

async function timed(url: string, init?: RequestInit) {
  const started = performance.now()
  const response = await fetch(url, { headers: { cookie }, ...init })
  const body = await response.text()
  return { response, body, ms: performance.now() - started }
}

describe('MongoDB outage', () => {
  it('is served by the gateway while MongoDB is up', async () => {
    const { response } = await timed(`${withFallback.url}/api/dashboard`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('gateway')
  })

  it('answers 503 JSON within 2 s with or without fallback, and recovers', async () => {
    await ownMongo.stop()

    const failed = await timed(`${withoutFallback.url}/api/dashboard`)
    expect(failed.response.status).toBe(503)
    expect(failed.response.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(failed.body)).toMatchObject({ erro: 'Banco de dados indisponível' })
    expect(failed.ms).toBeLessThan(2_000)

    const list = await timed(`${withoutFallback.url}/api/movimentacoes?pagina=1`)
    expect(list.response.status).toBe(503)

    // A write is never retried elsewhere: it fails clearly instead.
    const write = await timed(`${withFallback.url}/api/movimentacoes`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ item_id: '0123456789abcdef01234567', tipo: 'entrada', quantidade: 1 }),
    })
    expect(write.response.status).toBe(503)
    expect(write.response.headers.get('x-gateway-upstream')).toBe('gateway')

    // Fallback is for the gateway's own failures: the legacy app shares the database, so it would only wait on
    // it too. With fallback on, the answer is the same fast 503.
    const withFallbackOn = await timed(`${withFallback.url}/api/dashboard`)
    expect(withFallbackOn.response.status).toBe(503)
    expect(withFallbackOn.response.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(withFallbackOn.ms).toBeLessThan(2_000)

    const status = await readJson(await fetch(`${withFallback.url}/_gateway/status`))
    expect(status.routes.find((route: { name: string }) => route.name === 'dashboard').fallbacks).toBe(0)
    expect((await fetch(`${withoutFallback.url}/healthz`)).status).toBe(200)

    await ownMongo.restart!()
    await seedOwn()
    const deadline = Date.now() + 15_000
    let recovered = await timed(`${withoutFallback.url}/api/dashboard`)
    while (recovered.response.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      recovered = await timed(`${withoutFallback.url}/api/dashboard`)
    }
    expect(recovered.response.status).toBe(200)
    expect(recovered.response.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(JSON.parse(recovered.body).total_itens).toBeGreaterThan(0)
  })
})
