// Guards, schedules and shared counts across instances: two gateways (one a two-worker cluster) on one MongoDB
// and one legacy app. The gateway side is made to fail for real: an active item without `quantidade` makes the
// dashboard's computation raise (KeyError, 500), exactly as the legacy view does on the same data.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestStack } from '../support/stack.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { seed } from '../../scripts/seed/index.js'
import { runRoutesCli } from '../../scripts/routes-cli.js'
import { bucketOf, canaryIdentity } from '../../core/canary.js'

const ADMIN_TOKEN = 'guards-schedule-test-token-0123456789'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', connection: 'close' }
const BROKEN_ITEM = { codigo: 'ZZZ-BROKEN', nome: 'sem quantidade', unidade: 'un', estoque_minimo: 1, ativo: true }
const stack = useTestStack({ prefix: 'guards_schedule', seed: (db) => seed(db, { items: 10, movements: 20 }), gateway: false })
let clustered: GatewayProcess
let single: GatewayProcess
let cookie: string

beforeAll(async () => {
  const { mongoUri, dbName, legacy } = stack()
  cookie = stack().cookie
  const routesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'routes-')), 'routes.json')
  writeFileSync(
    routesFile,
    JSON.stringify({
      routes: {
        dashboard: { guards: { maxErrorRate: 0.5, minRequests: 10, windowSeconds: 60 } },
        'movimentacoes-list': { guards: { maxErrorRate: 0.5, maxMismatchRate: 0.5, minRequests: 5 } },
      },
    }),
  )
  const env = { ADMIN_TOKEN, ROUTES_FILE: routesFile, WINDOW_FLUSH_MS: '500', GUARD_INTERVAL_MS: '500' }
  const options = { mongoUri, dbName, legacyUrl: legacy.url, healthTimeoutMs: 180_000 }
  ;[clustered, single] = await Promise.all([
    startGateway({ ...options, env: { ...env, WEB_CONCURRENCY: '2', INSTANCE_ID: 'clustered' } }),
    startGateway({ ...options, env: { ...env, INSTANCE_ID: 'single' } }),
  ])
})

afterAll(async () => {
  await Promise.all([clustered?.stop(), single?.stop()])
})

/** One request on a new connection (so the cluster's workers share them): status and who answered. */
async function get(gateway: GatewayProcess, target: string) {
  const response = await fetch(`${gateway.url}${target}`, { headers: { cookie, connection: 'close' } })
  await response.arrayBuffer()
  return { status: response.status, upstream: response.headers.get('x-gateway-upstream') }
}

type RouteView = { name: string; mode: string; canaryPercent: number; live: { reason: string; by: string } | null; appliedHereAt: string | null; schedule: { state: string; step: number; requestsInStep: number | null; next: string | null } | null }
async function routes(gateway: GatewayProcess): Promise<{ live: { pid: number }; routes: RouteView[] }> {
  return (await fetch(`${gateway.url}/_gateway/routes`, { headers: admin })).json() as never
}

/** Until every process of both instances — three — shows `check` true for `route`; each one's view. */
async function everyProcess(route: string, check: (view: RouteView) => boolean, limitMs = 20_000): Promise<Map<number, RouteView>> {
  const seen = new Map<number, RouteView>()
  const deadline = Date.now() + limitMs
  while (seen.size < 3) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of 3 processes show the expected state of ${route}`)
    for (const gateway of [clustered, single]) {
      const view = await routes(gateway)
      const state = view.routes.find((candidate) => candidate.name === route)!
      if (check(state)) seen.set(view.live.pid, state)
    }
  }
  return seen
}

async function audit(route: string): Promise<Array<{ action: string; reason: string; by: string; at: string; to: { mode?: string } | null }>> {
  return ((await (await fetch(`${single.url}/_gateway/audit?route=${route}`, { headers: admin })).json()) as { entries: never }).entries
}

/** A counter's value summed over both instances' /metrics (each already the sum of its workers). */
async function metricTotal(prefix: string): Promise<number> {
  let total = 0
  for (const gateway of [clustered, single]) {
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: admin })).text()
    for (const line of text.split('\n')) if (line.startsWith(prefix)) total += Number(line.split(' ').at(-1))
  }
  return total
}

const autoRollbackLines = () => [clustered, single].flatMap((gateway) => gateway.output().split('\n').filter((line) => line.includes('"event":"auto-rollback"')))
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('automatic rollback guards', () => {
  it('a breach rolls the route back on every process within the refresh interval, once, with one audit entry', async () => {
    expect(await get(clustered, '/api/dashboard')).toEqual({ status: 200, upstream: 'gateway' })
    const inserted = await stack().db.collection('itens').insertOne({ ...BROKEN_ITEM })
    // 12 failing requests, spread over both instances and the cluster's two workers (the guard needs 10).
    for (let i = 0; i < 6; i++) for (const gateway of [clustered, single]) expect((await get(gateway, '/api/dashboard')).status).toBe(500)

    const views = await everyProcess('dashboard', (view) => view.mode === 'legacy' && view.live?.by === 'auto-rollback')
    const entries = (await audit('dashboard')).filter((entry) => entry.reason.startsWith('auto-rollback'))
    expect(entries).toHaveLength(1)
    expect(entries[0]!.reason).toMatch(/^auto-rollback: error-rate (1|0\.\d+) > 0\.5 over 1[0-3] requests$/)
    expect(entries[0]).toMatchObject({ action: 'set', by: 'auto-rollback', to: { mode: 'legacy' } })
    const rolledBackAt = Date.parse(entries[0]!.at)
    // Each process applied it within LIVE_REFRESH_MS (1 s) of the write, with the clocks of one machine.
    for (const view of views.values()) expect(Date.parse(view.appliedHereAt!) - rolledBackAt).toBeLessThanOrEqual(2_000)

    // Every process keeps seeing the breach for a while: still one write, one log line, one count.
    await pause(2_500)
    expect((await audit('dashboard')).filter((entry) => entry.reason.startsWith('auto-rollback'))).toHaveLength(1)
    expect(autoRollbackLines()).toHaveLength(1)
    expect(JSON.parse(autoRollbackLines()[0]!)).toMatchObject({ route: 'dashboard', guard: 'error-rate', threshold: 0.5 })
    expect(await metricTotal('gateway_auto_rollbacks_total{route="dashboard",guard="error-rate"}')).toBe(1)

    // Fixed data: the legacy app answers again, and guards never promote back — the route stays legacy.
    await stack().db.collection('itens').deleteOne({ _id: inserted.insertedId })
    for (const gateway of [clustered, single]) expect(await get(gateway, '/api/dashboard')).toEqual({ status: 200, upstream: 'legacy' })
    await pause(1_500)
    for (const gateway of [clustered, single]) expect((await get(gateway, '/api/dashboard')).upstream).toBe('legacy')

    // A person clears it: the gateway answers again, judged on a fresh window (the old failures do not count).
    const cleared = await fetch(`${single.url}/_gateway/routes/dashboard/override`, { method: 'DELETE', headers: admin, body: JSON.stringify({ reason: 'data fixed' }) })
    expect(cleared.status).toBe(200)
    await everyProcess('dashboard', (view) => view.mode === 'migrated')
    for (let i = 0; i < 6; i++) for (const gateway of [clustered, single]) expect(await get(gateway, '/api/dashboard')).toEqual({ status: 200, upstream: 'gateway' })
    await pause(1_500)
    expect((await audit('dashboard')).filter((entry) => entry.reason.startsWith('auto-rollback'))).toHaveLength(1)
  })
})

describe('guards set live', () => {
  it('a PUT sets a route\'s guards over the declared and file ones, validated like the rest', async () => {
    const invalid = await fetch(`${single.url}/_gateway/routes/estoque-itens-list`, { method: 'PUT', headers: admin, body: JSON.stringify({ guards: { maxErrorRate: 2, minRequests: 0 }, reason: 'x' }) })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as { problems: string[] }).problems).toHaveLength(2)
    const put = await fetch(`${single.url}/_gateway/routes/estoque-itens-list`, { method: 'PUT', headers: admin, body: JSON.stringify({ guards: { maxTimeoutRate: 0.25, minRequests: 40 }, reason: 'watch timeouts' }) })
    expect(put.status).toBe(200)
    expect(await put.json()).toMatchObject({ source: 'live', guards: { policy: { maxTimeoutRate: 0.25, minRequests: 40 }, active: true, windowSeconds: 60, minRequests: 40 } })
    const views = await everyProcess('estoque-itens-list', (view) => (view as unknown as { guards: { active: boolean } }).guards.active)
    expect(views.size).toBe(3)
    expect((await fetch(`${single.url}/_gateway/routes/estoque-itens-list/override`, { method: 'DELETE', headers: admin })).status).toBe(200)
  })
})

describe('progressive delivery', () => {
  it('promotes step by step while the guards hold, once per step across every process; pause holds it', async () => {
    const route = 'movimentacoes-list'
    const lines: string[] = []
    const env = { GATEWAY_URL: clustered.url, ADMIN_TOKEN, USER: 'tester' }
    const cli = (...args: string[]) => runRoutesCli(args, env, (line) => lines.push(line))
    expect(await cli('schedule', route, 'shadow', 'canary:50', 'migrated', '--hold', '1', '--min-requests', '6')).toBe(0)
    expect(lines.at(-1)).toMatch(/^movimentacoes-list: running, step 1 of 3 \(shadow → canary:50 → migrated\)/)
    expect(await cli('schedule', route, 'pause')).toBe(0)
    expect(lines.at(-1)).toMatch(/: paused, step 1 of 3/)
    await everyProcess(route, (view) => view.mode === 'shadow')

    // Paused: enough requests and time, and still no promotion.
    for (let i = 0; i < 8; i++) expect((await get(i % 2 ? single : clustered, '/api/movimentacoes?pagina=1')).status).toBe(200)
    await pause(2_000)
    expect((await routes(single)).routes.find((view) => view.name === route)!.schedule).toMatchObject({ state: 'paused', step: 1 })

    expect(await cli('schedule', route, 'resume')).toBe(0)
    const deadline = Date.now() + 60_000
    let state = (await routes(single)).routes.find((view) => view.name === route)!
    let sent = 0
    while (state.schedule?.state !== 'done' && Date.now() < deadline) {
      for (const gateway of [clustered, single]) expect((await get(gateway, '/api/movimentacoes?pagina=1')).status).toBe(200)
      sent += 2
      state = (await routes(single)).routes.find((view) => view.name === route)!
    }
    expect(state.schedule, `after ${sent} requests`).toMatchObject({ state: 'done', step: 3 })
    await everyProcess(route, (view) => view.mode === 'migrated' && view.live?.reason === 'schedule: step 3 of 3 (migrated)')

    const entries = (await audit(route)).reverse()
    expect(entries.filter((entry) => entry.action === 'set').map((entry) => entry.reason)).toEqual([
      'schedule: step 1 of 3 (shadow)',
      'schedule: step 1 of 3 (shadow)',
      'schedule: step 2 of 3 (canary:50)',
      'schedule: step 3 of 3 (migrated)',
    ])
    // What the person did to the schedule is audited too, under their name.
    const personal = () => audit(route).then((all) => all.reverse().filter((entry) => entry.action.startsWith('schedule-')).map((entry) => `${entry.action} by ${entry.by}`))
    expect(await personal()).toEqual(['schedule-start by tester', 'schedule-pause by tester', 'schedule-resume by tester'])
    expect(await cli('schedule', route, 'show')).toBe(0)
    expect(lines.at(-1)).toMatch(/: done, step 3 of 3 .*next: none: the last step is in force/)
    expect(await cli('schedule', route, 'clear')).toBe(0)
    expect((await personal()).at(-1)).toBe('schedule-delete by tester')
    expect(await cli('schedule', route, 'pause')).toBe(1)
  })

  it('a guard breach during a scheduled canary rolls back and stops the schedule', async () => {
    // A canary share that includes this test's user (the draw is sticky per user).
    const percent = bucketOf(canaryIdentity(cookie, [TEST_SECRET_KEY]).key) + 1
    const put = await fetch(`${single.url}/_gateway/routes/dashboard/schedule`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ steps: [`canary:${percent}`, 'migrated'], holdSeconds: 0, minRequests: 100_000, reason: 'first users' }),
    })
    expect(put.status, await put.clone().text()).toBe(200)
    expect(await put.json()).toMatchObject({ mode: 'canary', canaryPercent: percent, schedule: { state: 'running', step: 1 } })
    await everyProcess('dashboard', (view) => view.mode === 'canary')
    expect(await get(single, '/api/dashboard')).toEqual({ status: 200, upstream: 'gateway' })

    const inserted = await stack().db.collection('itens').insertOne({ ...BROKEN_ITEM })
    try {
      // Failures until the rollback (the window judges whole 5 s buckets after the schedule started).
      const deadline = Date.now() + 30_000
      let sent = 0
      let last = await get(clustered, '/api/dashboard')
      while (last.upstream === 'gateway' && Date.now() < deadline) {
        expect(last.status).toBe(500)
        last = await get(++sent % 2 ? single : clustered, '/api/dashboard')
      }
      await everyProcess('dashboard', (view) => view.mode === 'legacy' && view.live?.by === 'auto-rollback' && view.schedule?.state === 'stopped: auto-rollback')
    } finally {
      await stack().db.collection('itens').deleteOne({ _id: inserted.insertedId })
    }
    const rollbacks = (await audit('dashboard')).filter((entry) => entry.reason.startsWith('auto-rollback'))
    expect(rollbacks).toHaveLength(2)
    expect(rollbacks[0]).toMatchObject({ to: { mode: 'legacy' } })
    expect((await routes(clustered)).routes.find((view) => view.name === 'dashboard')!.schedule).toMatchObject({ state: 'stopped: auto-rollback', next: 'none: stopped: auto-rollback' })
    const resume = await fetch(`${single.url}/_gateway/routes/dashboard/schedule/resume`, { method: 'POST', headers: admin })
    expect(resume.status).toBe(409)
  })
})

describe('status across workers and instances', () => {
  it('shared totals equal the requests sent to every worker of every instance', async () => {
    const toClustered = 10
    const toSingle = 7
    for (let i = 0; i < toClustered; i++) expect(await get(clustered, '/api/me')).toEqual({ status: 200, upstream: 'gateway' })
    for (let i = 0; i < toSingle; i++) expect(await get(single, '/api/me')).toEqual({ status: 200, upstream: 'gateway' })

    type Status = { answeredBy: { instance: string; pid: number }; routes: Array<{ name: string; served: { gateway: number }; shared: { gateway: number; legacy: number; byInstance: Record<string, { gateway: number; legacy: number }> } }> }
    const read = async (gateway: GatewayProcess) => (await (await fetch(`${gateway.url}/_gateway/status`, { headers: admin })).json()) as Status
    const me = (status: Status) => status.routes.find((route) => route.name === 'me')!
    const deadline = Date.now() + 10_000
    let status = await read(single)
    while (me(status).shared.gateway < toClustered + toSingle && Date.now() < deadline) {
      await pause(200)
      status = await read(single)
    }
    expect(status.answeredBy.instance).toBe('single')
    expect(me(status).shared).toEqual({ gateway: 17, legacy: 0, byInstance: { clustered: { gateway: 10, legacy: 0 }, single: { gateway: 7, legacy: 0 } } })

    // The cluster's two workers each served part of the 10; their own counts add up to the shared one.
    const perWorker = new Map<number, number>()
    for (let i = 0; i < 20 && perWorker.size < 2; i++) {
      const answer = await read(clustered)
      expect(answer.answeredBy.instance).toBe('clustered')
      expect(me(answer).shared.byInstance.clustered).toEqual({ gateway: 10, legacy: 0 })
      perWorker.set(answer.answeredBy.pid, me(answer).served.gateway)
    }
    expect(perWorker.size).toBe(2)
    expect([...perWorker.values()].reduce((sum, count) => sum + count, 0)).toBe(toClustered)
  })
})
