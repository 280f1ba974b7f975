// A tester's override and /metrics across node:cluster workers, on a real two-worker gateway in front of the
// real legacy app.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectTestDb } from '../support/mongo.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { seed } from '../../scripts/seed/index.js'
import { loginAs } from '../route-modes/support.js'

const ADMIN_TOKEN = 'override-metrics-test-token-0123456789'
let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let gateway: GatewayProcess
let cookie: string

beforeAll(async () => {
  testDb = await connectTestDb('override_cluster_metrics')
  await seed(testDb.db, { items: 10, movements: 20 })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: TEST_SECRET_KEY })
  gateway = await startGateway({
    mongoUri: inject('mongoUri'),
    dbName: testDb.db.databaseName,
    legacyUrl: legacy.url,
    healthTimeoutMs: 180_000,
    env: { ADMIN_TOKEN, WEB_CONCURRENCY: '2', INSTANCE_ID: 'clustered', ROUTE_MODES: 'estoque-hierarquia=legacy' },
  })
  cookie = await loginAs(legacy.url, 'override-metrics')
})

afterAll(async () => {
  await gateway?.stop()
  await legacy?.stop()
  await testDb?.drop()
})

const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, connection: 'close' }

async function upstreamOf(path: string, headers: Record<string, string> = {}): Promise<string | null> {
  const response = await fetch(`${gateway.url}${path}`, { headers: { cookie, connection: 'close', ...headers } })
  expect(response.status).toBe(200)
  await response.arrayBuffer()
  return response.headers.get('x-gateway-upstream')
}

describe('metrics across cluster workers', () => {
  it('adds up every worker: 20 dashboard requests on new connections count 20', async () => {
    for (let i = 0; i < 20; i++) expect(await upstreamOf('/api/dashboard')).toBe('gateway')
    const pids = new Set<number>()
    for (let i = 0; i < 8; i++) {
      const status = (await (await fetch(`${gateway.url}/_gateway/status`, { headers: admin })).json()) as { answeredBy: { instance: string; pid: number } }
      expect(status.answeredBy.instance).toBe('clustered')
      pids.add(status.answeredBy.pid)
    }
    expect(pids.size).toBe(2)
    for (let read = 0; read < 4; read++) {
      const response = await fetch(`${gateway.url}/metrics`, { headers: admin })
      expect(response.status).toBe(200)
      const text = await response.text()
      const total = text
        .split('\n')
        .filter((line) => line.startsWith('gateway_request_duration_seconds_count{') && line.includes('route="dashboard"'))
        .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
      expect(total).toBe(20)
    }
  })
})

describe("tester's override", () => {
  it('forces either side with the admin token, and is ignored without it or with a wrong one', async () => {
    expect(await upstreamOf('/api/dashboard')).toBe('gateway')
    expect(await upstreamOf('/api/dashboard', { 'x-gateway-side': 'legacy', 'x-gateway-override-token': ADMIN_TOKEN })).toBe('legacy')
    expect(await upstreamOf('/api/dashboard', { 'x-gateway-side': 'legacy' })).toBe('gateway')
    expect(await upstreamOf('/api/dashboard', { 'x-gateway-side': 'legacy', 'x-gateway-override-token': `${ADMIN_TOKEN}-wrong` })).toBe('gateway')

    expect(await upstreamOf('/api/estoque/hierarquia')).toBe('legacy')
    expect(await upstreamOf('/api/estoque/hierarquia', { 'x-gateway-side': 'gateway', 'x-gateway-override-token': ADMIN_TOKEN })).toBe('gateway')
    expect(await upstreamOf('/api/estoque/hierarquia', { 'x-gateway-side': 'gateway', 'x-gateway-override-token': 'nope' })).toBe('legacy')
  })
})
