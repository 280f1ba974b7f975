// Live route control across instances: two gateways (one a two-worker cluster) on one MongoDB and one legacy
// app; a change made through one instance's admin API (or the CLI) applies on every worker of every instance.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectTestDb } from '../support/mongo.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { seed } from '../../scripts/seed/index.js'
import { runRoutesCli } from '../../scripts/routes-cli.js'
import { loginAs } from '../route-modes/support.js'

const ADMIN_TOKEN = 'live-control-test-token-0123456789'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }
let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
let clustered: GatewayProcess
let single: GatewayProcess
let cookie: string

beforeAll(async () => {
  testDb = await connectTestDb('live_control')
  await seed(testDb.db, { items: 10, movements: 20 })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: TEST_SECRET_KEY })
  const options = { mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, legacyUrl: legacy.url }
  ;[clustered, single] = await Promise.all([
    startGateway({ ...options, healthTimeoutMs: 180_000, env: { ADMIN_TOKEN, WEB_CONCURRENCY: '2', INSTANCE_ID: 'clustered' } }),
    startGateway({ ...options, healthTimeoutMs: 180_000, env: { ADMIN_TOKEN, INSTANCE_ID: 'single' } }),
  ])
  cookie = await loginAs(legacy.url, 'live-control')
})

afterAll(async () => {
  await Promise.all([clustered?.stop(), single?.stop()])
  await legacy?.stop()
  await testDb?.drop()
})

/** Who answered each of `n` requests (new connections, so the cluster's workers share them). */
async function sides(gateway: GatewayProcess, n = 8): Promise<Set<string>> {
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${gateway.url}/api/dashboard`, { headers: { cookie, connection: 'close' } })
    await response.arrayBuffer()
    seen.add(response.headers.get('x-gateway-upstream') ?? 'none')
  }
  return seen
}

type RoutesView = { live: { pid: number }; routes: Array<{ name: string; mode: string; appliedHereAt: string | null }> }

/**
 * Each process's own word on when it started applying the change to `route` (its clock is this machine's),
 * once every process of both instances — three: two workers and one single — answers with the new mode.
 */
async function appliedEverywhere(route: string, mode: string, limitMs = 20_000): Promise<number[]> {
  const applied = new Map<number, number>()
  const deadline = Date.now() + limitMs
  while (applied.size < 3) {
    if (Date.now() > deadline) throw new Error(`only ${applied.size} of 3 processes applied ${route}=${mode}`)
    for (const gateway of [clustered, single]) {
      const view = (await (await fetch(`${gateway.url}/_gateway/routes`, { headers: { ...admin, connection: 'close' } })).json()) as RoutesView
      const state = view.routes.find((candidate) => candidate.name === route)!
      if (state.mode === mode && state.appliedHereAt) applied.set(view.live.pid, Date.parse(state.appliedHereAt))
    }
  }
  return [...applied.values()]
}

describe('live route control', () => {
  it('a change through one instance switches every worker of every instance within 2 s, and clearing it goes back', async () => {
    expect(await sides(clustered)).toEqual(new Set(['gateway']))
    const startedAt = Date.now()
    const put = await fetch(`${single.url}/_gateway/routes/dashboard`, { method: 'PUT', headers: admin, body: JSON.stringify({ mode: 'legacy', reason: 'mismatch spike' }) })
    expect(put.status, await put.clone().text()).toBe(200)
    expect(await put.json()).toMatchObject({ name: 'dashboard', mode: 'legacy', source: 'live', live: { reason: 'mismatch spike' } })
    for (const at of await appliedEverywhere('dashboard', 'legacy')) expect(at - startedAt).toBeLessThanOrEqual(2_000)
    expect(await sides(clustered)).toEqual(new Set(['legacy']))
    expect(await sides(single)).toEqual(new Set(['legacy']))

    const listed: any = await (await fetch(`${clustered.url}/_gateway/routes`, { headers: admin })).json()
    expect(listed.routes.find((route: { name: string }) => route.name === 'dashboard')).toMatchObject({ mode: 'legacy', source: 'live', declared: { mode: 'migrated' } })
    expect(listed.live.storeReachable).toBe(true)

    const clearedAt = Date.now()
    const cleared = await fetch(`${clustered.url}/_gateway/routes/dashboard/override`, { method: 'DELETE', headers: admin, body: JSON.stringify({ reason: 'fixed' }) })
    expect(await cleared.json()).toMatchObject({ mode: 'migrated', source: 'declared', live: null })
    for (const at of await appliedEverywhere('dashboard', 'migrated')) expect(at - clearedAt).toBeLessThanOrEqual(2_000)
    expect(await sides(clustered)).toEqual(new Set(['gateway']))

    const audit: any = await (await fetch(`${single.url}/_gateway/audit?route=dashboard`, { headers: admin })).json()
    expect(audit.entries.map((entry: { action: string; reason: string; instance: string }) => [entry.action, entry.reason, entry.instance])).toEqual([
      ['clear', 'fixed', 'clustered'],
      ['set', 'mismatch spike', 'single'],
    ])
    expect(audit.entries[1]).toMatchObject({ from: null, to: { mode: 'legacy' } })
  })

  it('refuses invalid changes with every problem, and anything without the token', async () => {
    const invalid = await fetch(`${single.url}/_gateway/routes/dashboard`, { method: 'PUT', headers: admin, body: JSON.stringify({ mode: 'sideways', canaryPercent: 150 }) })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as { problems: string[] }).problems).toHaveLength(3)
    const unsafe = await fetch(`${single.url}/_gateway/routes/movimentacoes-create`, { method: 'PUT', headers: admin, body: JSON.stringify({ mode: 'shadow', reason: 'try' }) })
    expect(unsafe.status).toBe(400)
    expect(((await unsafe.json()) as { problems: string[] }).problems).toEqual([expect.stringMatching(/shadow on POST needs a write comparator/)])
    const percentOutsideCanary = await fetch(`${single.url}/_gateway/routes/dashboard`, { method: 'PUT', headers: admin, body: JSON.stringify({ mode: 'migrated', canaryPercent: 5, reason: 'x' }) })
    expect(percentOutsideCanary.status).toBe(400)
    expect((await fetch(`${single.url}/_gateway/routes/nope`, { method: 'PUT', headers: admin, body: '{"mode":"legacy","reason":"x"}' })).status).toBe(404)
    expect((await fetch(`${single.url}/_gateway/routes/dashboard/override`, { method: 'DELETE', headers: admin })).status).toBe(404)
    for (const [method, path] of [['GET', '/_gateway/routes'], ['PUT', '/_gateway/routes/dashboard'], ['DELETE', '/_gateway/routes/dashboard/override'], ['GET', '/_gateway/audit']]) {
      const response = await fetch(`${single.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'PUT' ? { body: '{"mode":"legacy","reason":"x"}' } : {}) })
      expect(response.status, `${method} ${path}`).toBe(401)
    }
    expect(await sides(single)).toEqual(new Set(['gateway']))
  })

  it('the CLI lists, sets a canary and clears it', async () => {
    const lines: string[] = []
    const env = { GATEWAY_URL: single.url, ADMIN_TOKEN, USER: 'tester' }
    expect(await runRoutesCli(['list'], env, (line) => lines.push(line))).toBe(0)
    expect(lines.find((line) => line.startsWith('dashboard '))).toMatch(/\/api\/dashboard\s+migrated\s+fallback=on from=declared/)
    expect(await runRoutesCli(['set', 'movimentacoes-list', 'canary', '--percent', '25', '--reason', 'first users'], env, (line) => lines.push(line))).toBe(0)
    expect(lines.at(-1)).toBe('movimentacoes-list: canary 25% (live override set)')
    expect(await runRoutesCli(['set', 'movimentacoes-list', 'canary', '--percent', '250', '--reason', 'typo'], env, (line) => lines.push(line))).toBe(1)
    expect(lines.at(-1)).toMatch(/canaryPercent/)
    expect(await runRoutesCli(['clear', 'movimentacoes-list', '--reason', 'done'], env, (line) => lines.push(line))).toBe(0)
    expect(lines.at(-1)).toBe('movimentacoes-list: back to migrated from declared')
    expect(await runRoutesCli(['audit', 'movimentacoes-list'], env, (line) => lines.push(line))).toBe(0)
    expect(lines.at(-1)).toMatch(/movimentacoes-list\s+set .* by tester: first users/)
    expect(await runRoutesCli(['set', 'dashboard'], env, (line) => lines.push(line))).toBe(2)
  })
})
