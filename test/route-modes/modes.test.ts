import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ObjectId } from 'mongodb'
import { connectTestDb } from '../support/mongo.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { readJson } from '../support/http.js'
import { seed } from '../../scripts/seed/index.js'
import { eventually, loginAs, status } from './support.js'

// The legacy app and "twin" gateways read identically seeded databases, so any difference is the gateway's.
const now = new Date()
const stops: Array<{ stop(): Promise<unknown> }> = []
let legacyDb: Awaited<ReturnType<typeof connectTestDb>>
let twinDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let cookie: string

const gatewayOn = async (db: typeof twinDb, env: Record<string, string>): Promise<GatewayProcess> => {
  const gateway = await startGateway({ mongoUri: inject('mongoUri'), dbName: db.db.databaseName, legacyUrl: legacy.url, env })
  stops.push(gateway)
  return gateway
}

beforeAll(async () => {
  legacyDb = await connectTestDb('modes_legacy')
  twinDb = await connectTestDb('modes_twin')
  await seed(legacyDb.db, { items: 30, movements: 120, now })
  await seed(twinDb.db, { items: 30, movements: 120, now })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: legacyDb.db.databaseName, secretKey: TEST_SECRET_KEY })
  stops.push(legacy)
  cookie = await loginAs(legacy.url, 'modes-test')
})

afterAll(async () => {
  for (const server of stops.reverse()) await server.stop()
  await legacyDb?.drop()
  await twinDb?.drop()
})

describe('legacy mode', () => {
  it('proxies a migrated route when the route table says legacy', async () => {
    const gateway = await gatewayOn(legacyDb, { ROUTE_MODES: 'dashboard=legacy' })
    const response = await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie } })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('legacy')
    const hierarchy = await fetch(`${gateway.url}/api/estoque/hierarquia`, { headers: { cookie } })
    expect(hierarchy.headers.get('x-gateway-upstream')).toBe('gateway')
  })
})

describe('shadow mode', () => {
  it('answers from legacy, compares with the gateway aside, and samples a mismatch with both bodies', async () => {
    const gateway = await gatewayOn(twinDb, { ROUTE_MODES: 'dashboard=shadow,estoque-hierarquia=shadow' })
    const first = await fetch(`${gateway.url}/api/estoque/hierarquia`, { headers: { cookie } })
    const direct = await fetch(`${legacy.url}/api/estoque/hierarquia`, { headers: { cookie } })
    expect(first.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(await readJson(first)).toEqual(await readJson(direct))

    const matched = await eventually(
      () => status(gateway.url),
      (body) => body.routes.find((route: { name: string }) => route.name === 'estoque-hierarquia').shadow.match === 1,
    )
    const hierarchyStats = matched.routes.find((route: { name: string }) => route.name === 'estoque-hierarquia')
    expect(hierarchyStats.shadow).toMatchObject({ match: 1, mismatch: 0, matchRate: 1 })

    // Make the gateway's twin disagree with the legacy database: one item's stock changes.
    const item = await twinDb.db.collection('itens').findOne({ ativo: true }, { sort: { codigo: 1 } })
    await twinDb.db.collection('itens').updateOne({ _id: item!._id as ObjectId }, { $inc: { quantidade: 1000 } })
    const second = await fetch(`${gateway.url}/api/estoque/hierarquia`, { headers: { cookie } })
    expect(second.status).toBe(200)
    expect(second.headers.get('x-gateway-upstream')).toBe('legacy')
    await second.arrayBuffer()

    const mismatched = await eventually(
      () => status(gateway.url),
      (body) => body.routes.find((route: { name: string }) => route.name === 'estoque-hierarquia').shadow.mismatch === 1,
    )
    const shadow = mismatched.routes.find((route: { name: string }) => route.name === 'estoque-hierarquia').shadow
    expect(shadow.mismatch).toBe(1)
    expect(shadow.matchRate).toBe(0.5)
    const [sample] = shadow.recentMismatches
    expect(sample.difference).toMatch(/quantidade/)
    expect(sample.target).toBe('/api/estoque/hierarquia')
    expect(JSON.parse(sample.legacy.body)).toEqual(await readJson(await fetch(`${legacy.url}/api/estoque/hierarquia`, { headers: { cookie } })))
    expect(sample.gateway.status).toBe(200)
    expect(sample.gateway.body).not.toBe(sample.legacy.body)

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text()
    expect(metrics).toMatch(/gateway_shadow_comparisons_total\{route="estoque-hierarquia",result="mismatch"\} 1/)
  })
})

describe('canary mode', () => {
  it('keeps one side per user across sessions, and per anonymous client by its cookie, splitting clients between sides', async () => {
    const gateway = await gatewayOn(legacyDb, { ROUTE_MODES: 'dashboard=canary:50' })
    // One user, twelve browsers (each its own Flask session): one side for all of them.
    const userSides = new Set<string>()
    for (let session = 0; session < 12; session++) {
      const sessionCookie = await loginAs(legacy.url, `canary-browser-${session}`)
      const response = await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie: sessionCookie } })
      expect(response.status).toBe(200)
      userSides.add(response.headers.get('x-gateway-upstream') ?? 'none')
      await response.arrayBuffer()
    }
    expect(userSides.size).toBe(1)
    // Anonymous clients: the gateway's canary cookie keeps each on its side; both sides get clients.
    const clientSides: string[] = []
    for (let client = 0; client < 16; client++) {
      const first = await fetch(`${gateway.url}/api/dashboard`)
      await first.arrayBuffer()
      const canaryCookie = first.headers.getSetCookie().find((line) => line.startsWith('gw_canary='))
      expect(canaryCookie).toBeDefined()
      const side = first.headers.get('x-gateway-upstream') ?? 'none'
      for (let repeat = 0; repeat < 3; repeat++) {
        const again = await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie: canaryCookie!.split(';')[0]! } })
        await again.arrayBuffer()
        expect(again.headers.get('x-gateway-upstream')).toBe(side)
      }
      clientSides.push(side)
    }
    expect(new Set(clientSides)).toEqual(new Set(['gateway', 'legacy']))
  })

  it('at 0 % sends everyone to legacy and at 100 % to the gateway', async () => {
    const none = await gatewayOn(legacyDb, { ROUTE_MODES: 'dashboard=canary:0' })
    const all = await gatewayOn(legacyDb, { ROUTE_MODES: 'dashboard=canary:100' })
    for (let session = 0; session < 4; session++) {
      const sessionCookie = await loginAs(legacy.url, `canary-edge-${session}`)
      const fromNone = await fetch(`${none.url}/api/dashboard`, { headers: { cookie: sessionCookie } })
      const fromAll = await fetch(`${all.url}/api/dashboard`, { headers: { cookie: sessionCookie } })
      expect(fromNone.headers.get('x-gateway-upstream')).toBe('legacy')
      expect(fromAll.headers.get('x-gateway-upstream')).toBe('gateway')
      expect(await readJson(fromAll)).toEqual(await readJson(fromNone))
    }
  })
})

describe('admin endpoints', () => {
  it('reports each route, requests per side and latency percentiles', async () => {
    const gateway = await gatewayOn(legacyDb, {})
    for (let index = 0; index < 3; index++) await (await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie } })).arrayBuffer()
    await (await fetch(`${gateway.url}/api/diagnostico/requisicao`, { headers: { cookie } })).arrayBuffer()
    const body = await status(gateway.url)
    const dashboard = body.routes.find((route: { name: string }) => route.name === 'dashboard')
    expect(dashboard).toMatchObject({ methods: ['GET'], rule: '/api/dashboard', mode: 'migrated', source: 'declared', served: { gateway: 3, legacy: 0 } })
    expect(dashboard.latencyMs.gateway.p50).toBeGreaterThan(0)
    expect(dashboard.latencyMs.gateway.p95).toBeGreaterThanOrEqual(dashboard.latencyMs.gateway.p50)
    expect(body.unlisted.served.legacy).toBe(1)

    const metrics = await fetch(`${gateway.url}/metrics`)
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await metrics.text()
    expect(text).toMatch(/gateway_request_duration_seconds_count\{route="dashboard",upstream="gateway",method="GET",status="200"\} 3/)
    expect(text).toMatch(/process_resident_memory_bytes/)
  })

  it('requires the bearer token when ADMIN_TOKEN is set', async () => {
    const token = 'admin-token-for-tests-0123456789'
    const gateway = await gatewayOn(legacyDb, { ADMIN_TOKEN: token })
    for (const path of ['/_gateway/status', '/metrics']) {
      expect((await fetch(`${gateway.url}${path}`)).status).toBe(401)
      expect((await fetch(`${gateway.url}${path}`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401)
      expect((await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    }
  })
})
