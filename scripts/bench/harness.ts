// The benchmark: the same seeded data, the same load generator and the same connection counts for every
// contender (docs/benchmarks.md explains the sections). `npm run bench` runs it; test/bench runs a smoke.
import os from 'node:os'
import path from 'node:path'
import { MongoClient, ObjectId, type Db, type Document, type Filter, type FindOptions } from 'mongodb'
import { startJavaMongo, type LocalMongo } from '../local-mongo/index.js'
import { seed } from '../seed/index.js'
import { DAY_MS, startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { movementsJson } from '../../routes/shared/movements-json.js'
import { countMovementsBetween, findActiveItems, findLatestMovements, findWeekMovements } from '../../routes/dashboard/queries.js'
import { findHierarchyItems } from '../../routes/estoque-hierarquia/query.js'
import { findMovementPage } from '../../routes/movimentacoes/list-query.js'
import { findListedItems } from '../../routes/estoque-itens/list-handler.js'
import { findItemByLegacyId } from '../../routes/shared/find-item.js'
import { freePort } from '../dev/ports.js'
import { LEGACY_ONLY_ROUTE, ROUTES, benchRequest, firstItemId, isWriteRoute, loginSession, requestHeaders, USER_AGENT, writeItemIds, type BenchRequest, type RouteKey } from './app-tier.js'
import { SECRET_KEY, compileForBench, root, startBare, startBareProxy, startFastApi, startGatewayProc, startLegacy, startNginx, startRelay, type DbTarget, type Running } from './contenders.js'
import { drive, loadGeneratorName, runTag, warmByRequests, withSeq, type LoadResult } from './loadgen.js'
import { ensurePythonVenv } from '../setup.js'
import { ensureBenchVenv, ensureDebianPackages, peakRss, treeCpuMs } from './processes.js'

export const ALL_SCENARIOS = ['cpu', 'levers', 'ceiling', 'app', 'rec', 'full', 'features', 'proxy', 'upstream'] as const
export type Scenario = (typeof ALL_SCENARIOS)[number]

export type Tier = { name: string; items: number; movements: number }
export type BenchOptions = {
  durationSec: number
  warmupSec: number
  /** Requests sent as a closed loop before the timed warm-up (loadgen.ts, warmByRequests); 0: none. */
  warmupRequests: number
  /** Warm-up of the local server's JIT per tier, before any measurement. */
  dbWarmupSec: number
  connections: number[]
  /** Connection counts of the closed-loop app-layer comparison (default: `connections`). */
  appConnections: number[]
  /** Equal process counts compared (1 and 2). */
  processes: number[]
  /** Emulated app↔database round trips, ms (0 = direct). */
  rtts: number[]
  scenarios: Scenario[]
  /** The migrated routes driven (`BENCH_ROUTES`; default all of them). */
  routes: RouteKey[]
  /** Whether the proxy path is measured in the `cpu` scenario (`proxy` in `BENCH_ROUTES`; default yes). */
  proxyPath: boolean
  /** Offered load of the fixed-rate (CPU per request) runs, req/s, per route and for the proxy path. */
  rates: Record<RouteKey | 'proxy', number>
  /** App-layer comparison data (small enough that the local server is not the bottleneck). */
  appTier: Tier
  /** The required 2,000 items / 200,000 movements run. */
  fullTier: Tier
  logDir: string
  log: (line: string) => void
}

export type Row = {
  section: string
  contender: string
  kind: string
  processes: number | string
  route: string
  connections: number
  rttMs: number
  tier: string
  variant?: string
  result: LoadResult
  peakRssBytes?: number
  /** Fixed-rate runs: the offered load, req/s (closed-loop runs: undefined). */
  rate?: number
  /** CPU time (user + system) of the contender's whole process tree during the run ÷ requests answered. */
  cpuMsPerRequest?: number
  /** The same for the database server (the local mongo-java-server), reported apart. */
  dbCpuMsPerRequest?: number
  /** 1-minute load average of the machine when the run ended (the machine is shared). */
  loadAvg?: number
}

export type BenchResult = { options: BenchOptions; rows: Row[]; meta: Record<string, string | number>; ceilings: Row[] }

const ROUTE_KEYS = Object.keys(ROUTES) as RouteKey[]

export function defaultOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const list = (value: string | undefined, fallback: number[]) => (value ? value.split(',').map(Number) : fallback)
  const scenarios = (env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',') : [...ALL_SCENARIOS]) as Scenario[]
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${s} (known: ${ALL_SCENARIOS.join(',')})`)
  const routes = env.BENCH_ROUTES ? env.BENCH_ROUTES.split(',') : [...ROUTE_KEYS, 'proxy']
  for (const r of routes) if (!(r in ROUTES) && r !== 'proxy') throw new Error(`BENCH_ROUTES: unknown route ${r} (known: ${ROUTE_KEYS.join(',')},proxy)`)
  return {
    durationSec: Number(env.BENCH_DURATION ?? 5),
    warmupSec: Number(env.BENCH_WARMUP ?? 1),
    warmupRequests: Number(env.BENCH_WARMUP_REQUESTS ?? 0),
    dbWarmupSec: Number(env.BENCH_DB_WARMUP ?? 30),
    connections: list(env.BENCH_CONNECTIONS, [1, 16, 64]),
    appConnections: list(env.BENCH_APP_CONNECTIONS, list(env.BENCH_CONNECTIONS, [1, 16, 64])),
    processes: list(env.BENCH_PROCESSES, [1, 2]),
    rtts: list(env.BENCH_RTTS, [0, 2]),
    scenarios,
    routes: ROUTE_KEYS.filter((r) => routes.includes(r)),
    proxyPath: routes.includes('proxy'),
    rates: { dashboard: 40, hierarquia: 80, movimentacoes: 100, itens: 80, item: 150, registrar: 60, 'item-update': 80, 'item-create': 60, 'item-delete': 80, importar: 30, proxy: 200, ...parseRates(env.BENCH_RATES) },
    appTier: { name: 'app', items: Number(env.BENCH_APP_ITEMS ?? 200), movements: Number(env.BENCH_APP_MOVEMENTS ?? 1000) },
    fullTier: { name: 'full', items: Number(env.BENCH_FULL_ITEMS ?? 2000), movements: Number(env.BENCH_FULL_MOVEMENTS ?? 200_000) },
    logDir: env.BENCH_LOG_DIR ?? path.join(root, '.cache/bench/logs'),
    log: (line) => console.log(line),
  }
}

/** `dashboard=40,proxy=200` → { dashboard: 40, proxy: 200 }. */
function parseRates(value: string | undefined): Partial<Record<RouteKey | 'proxy', number>> {
  const rates: Partial<Record<RouteKey | 'proxy', number>> = {}
  for (const part of value ? value.split(',') : []) {
    const [key, rate] = part.split('=')
    if (!key || !(key in ROUTES || key === 'proxy') || !(Number(rate) > 0)) throw new Error(`BENCH_RATES: expected route=req/s pairs (routes: ${ROUTE_KEYS.join(', ')}, proxy), got ${part}`)
    rates[key as RouteKey | 'proxy'] = Number(rate)
  }
  return rates
}

/** Runs every selected scenario; contenders are started and stopped per group, so nothing idles in the way. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { log } = options
  const rows: Row[] = []
  const ceilings: Row[] = []
  const missing = ensureDebianPackages([
    { binary: '/usr/sbin/nginx', pkg: 'nginx-light' },
    { binary: '/usr/bin/wrk', pkg: 'wrk' },
  ])
  if (missing.length > 0) log(`bench: missing Debian packages (${missing.join(', ')}); nginx rows are skipped, autocannon replaces wrk`)
  // From a clean clone: the legacy app's venv (.venv) and the FastAPI plan's, as `npm test`'s setup makes them.
  ensurePythonVenv()
  const venv = ensureBenchVenv(root)
  compileForBench()
  const ctx = { logDir: options.logDir }
  const meta: Record<string, string | number> = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memGb: Math.round(os.totalmem() / 2 ** 30),
    loadgen: loadGeneratorName(),
    loadBefore: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    durationSec: options.durationSec,
  }
  log(`bench: ${meta.cpus} CPUs, load ${meta.loadBefore}, loadgen ${meta.loadgen}, ${options.durationSec}s per run`)

  const mongo = await startJavaMongo()
  const mongoPort = Number(new URL(mongo.uri).port)
  const client = await new MongoClient(mongo.uri).connect()
  const stops: Array<() => Promise<void>> = []
  try {
    const tiers = new Map<string, Tier>()
    const itemIds = new Map<string, string>()
    const writeIds = new Map<string, string[]>()
    const undoWrites = new Map<string, () => Promise<void>>()
    const needsApp = options.scenarios.some((s) => ['cpu', 'levers', 'ceiling', 'app', 'rec', 'features', 'proxy', 'upstream'].includes(s))
    if (needsApp) tiers.set('app', options.appTier)
    if (options.scenarios.includes('full') || options.scenarios.includes('ceiling')) tiers.set('full', options.fullTier)
    for (const tier of tiers.values()) {
      const started = Date.now()
      await seed(client.db(`bench_${tier.name}`), { items: tier.items, movements: tier.movements })
      log(`bench: seeded ${tier.name} tier (${tier.items} items, ${tier.movements} movements) in ${Date.now() - started} ms`)
      itemIds.set(tier.name, await firstItemId(client.db(`bench_${tier.name}`)))
      writeIds.set(tier.name, await writeItemIds(client.db(`bench_${tier.name}`)))
      undoWrites.set(tier.name, await writeUndo(client.db(`bench_${tier.name}`)))
    }
    const requestOf = (routeKey: RouteKey, tier: Tier) => benchRequest(routeKey, itemIds.get(tier.name)!, writeIds.get(tier.name)!)
    const pathOf = (routeKey: RouteKey, tier: Tier) => requestOf(routeKey, tier).path
    // Scenarios that compare variants of one contender read only: their writes would change the data between variants.
    const readRoutes = options.routes.filter((r) => !isWriteRoute(r))
    const writesIn = (routes: RouteKey[]) => routes.some(isWriteRoute)
    const relays = new Map<number, number>()
    const dbFor = async (tier: Tier, rtt: number): Promise<DbTarget> => {
      if (rtt <= 0) return { uri: `${mongo.uri}?directConnection=true`, dbName: `bench_${tier.name}` }
      if (!relays.has(rtt)) {
        const relay = await startRelay(ctx, mongoPort, rtt)
        stops.push(() => relay.proc.stop())
        relays.set(rtt, relay.port)
      }
      return { uri: `mongodb://127.0.0.1:${relays.get(rtt)}/?directConnection=true`, dbName: `bench_${tier.name}` }
    }

    type Measure = { section: string; kind: string; processes: number | string; routeKey: string; path: string; tier: Tier; rtt: number; headers: Record<string, string>; variant?: string; connections?: number[]; rate?: number; request?: BenchRequest }
    const measure = async (target: Running, m: Measure) => {
      const { section, kind, processes, routeKey, path, tier, rtt, variant, rate } = m
      // A write: its method, its bodies in turn, a JSON content type.
      const send = m.request?.bodies ? { method: m.request.method, bodies: m.request.bodies } : {}
      const headers = m.request ? requestHeaders(m.request, m.headers) : m.headers
      const connections = m.connections ?? options.connections
      // One request to completion first (cold imports, first connections; on the database-bound tier it also
      // waits until the previous run's queued queries have drained), so even 1 s runs measure something.
      const full = tier.name === 'full'
      try {
        const prime = await fetch(`${target.url}${path}`, { method: send.method, body: send.bodies && withSeq(send.bodies[0]!, runTag(), 0), headers, signal: AbortSignal.timeout(full ? 300_000 : 60_000) })
        await prime.arrayBuffer()
      } catch (error) {
        log(`  ${target.name} ${path}: priming request failed (${(error as Error).message}); measuring anyway`)
      }
      // No warm-up on the database-bound tier: it would only queue more slow queries.
      if (options.warmupRequests > 0 && !full) {
        const failed = await warmByRequests(`${target.url}${path}`, headers, options.warmupRequests, 4, send)
        if (failed > 0) log(`  ${target.name} ${path}: ${failed} of ${options.warmupRequests} warm-up requests failed`)
      }
      if (options.warmupSec > 0 && !full) await drive({ url: `${target.url}${path}`, connections: Math.min(16, Math.max(...connections)), durationSec: options.warmupSec, headers, rate, ...send })
      for (const c of connections) {
        const durationSec = full ? Math.max(options.durationSec, 10) : options.durationSec
        const run = async (seconds: number) => {
          const cpuBefore = treeCpuMs(target.proc.pid)
          const dbBefore = mongo.pid ? treeCpuMs(mongo.pid) : NaN
          const result = await drive({ url: `${target.url}${path}`, connections: c, durationSec: seconds, headers, rate, ...send })
          // Closed-loop generators stop with requests in flight: let the server finish them (their CPU is
          // part of the run) before sampling again.
          if (!rate) await new Promise((resolve) => setTimeout(resolve, 250))
          const cpu = treeCpuMs(target.proc.pid) - cpuBefore
          const dbCpu = mongo.pid ? treeCpuMs(mongo.pid) - dbBefore : NaN
          return { result, cpu, dbCpu }
        }
        let { result, cpu, dbCpu } = await run(durationSec)
        // A run too short for even one response to complete (a slow route on a busy machine) measured
        // nothing: it is repeated once, three times longer.
        if (result.requests === 0) {
          log(`  ${target.name} ${path} c=${c}: no request completed in ${durationSec} s; measuring again for ${3 * durationSec} s`)
          ;({ result, cpu, dbCpu } = await run(3 * durationSec))
        }
        const answered = Math.max(1, result.requests)
        const row: Row = {
          section,
          contender: target.name,
          kind,
          processes,
          route: routeKey,
          connections: c,
          rttMs: rtt,
          tier: tier.name,
          variant,
          result,
          peakRssBytes: peakRss(target.proc.pid),
          rate,
          cpuMsPerRequest: cpu / answered,
          dbCpuMsPerRequest: dbCpu / answered,
          loadAvg: os.loadavg()[0],
        }
        rows.push(row)
        log(`  ${section.padEnd(9)} ${target.name.padEnd(22)} ${routeKey.padEnd(13)} c=${String(c).padEnd(3)} rtt=${rtt} ${rate ? `rate=${rate} ` : ''}${variant ?? ''} → ${result.rps.toFixed(0)} req/s p50 ${result.p50Ms.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms err ${result.errors} cpu ${row.cpuMsPerRequest!.toFixed(3)} ms/req db ${row.dbCpuMsPerRequest!.toFixed(3)} ms/req load ${row.loadAvg!.toFixed(2)}`)
      }
    }
    const stopAll = async (list: Running[]) => {
      await Promise.all(list.map((r) => r.proc.stop()))
    }

    // --- the local server is a JVM: its JIT needs warming before anything is measured (cold, it is 3-5× slower)
    for (const tier of tiers.values()) {
      const db = client.db(`bench_${tier.name}`)
      for (const routeKey of readRoutes) await ceiling(db, routeKey, itemIds.get(tier.name)!, 8, options.dbWarmupSec / 3)
    }

    // --- CPU per request at the same offered load (the headline): fixed rate, below every contender's ceiling
    if (options.scenarios.includes('cpu')) {
      const tier = options.appTier
      const db = await dbFor(tier, 0)
      const legacy = await startLegacy(ctx, db, 2)
      const session = await loginSession(legacy.url)
      const targets: Array<[Running, string, number]> = [[legacy, 'legacy', 2]]
      try {
        for (const n of options.processes) {
          targets.push([await startFastApi(ctx, db, n, venv), 'fastapi', n])
          targets.push([await startGatewayProc(ctx, db, legacy.url, n), 'gateway', n])
          targets.push([await startBare(ctx, db, n), 'bare-node', n])
        }
        for (const [r, routeKey] of options.routes.entries()) {
          for (let i = 0; i < targets.length; i++) {
            const [target, kind, count] = targets[(i + r) % targets.length]!
            await measure(target, { section: 'cpu', kind, processes: count, routeKey, path: pathOf(routeKey, tier), tier, rtt: 0, headers: session.headers, rate: options.rates[routeKey], request: requestOf(routeKey, tier) })
          }
        }
        if (writesIn(options.routes)) await undoWrites.get(tier.name)!()
      } finally {
        await stopAll(targets.slice(1).map(([target]) => target))
      }
      // The proxy path: the gateway and nginx (same process count) in front of the legacy app and of a trivial
      // keep-alive upstream; only the proxy's own process tree is counted.
      const upstream = !options.proxyPath || missing.includes('nginx-light') ? undefined : await startNginx(ctx, 'cpu-upstream', 1, { body: '{"ok":true}\\n' })
      const n = Math.min(...options.processes)
      const proxies: Array<[Running, string, string]> = []
      try {
        const upstreams = options.proxyPath ? [['legacy /api/diagnostico/requisicao', legacy.url, LEGACY_ONLY_ROUTE], ...(upstream ? [['trivial /x', upstream.url, '/x']] : [])] : []
        for (const [label, url, path] of upstreams as Array<[string, string, string]>) {
          const gateway = await startGatewayProc(ctx, db, url, n, {}, `gateway-${n} → ${label.split(' ')[0]}`)
          proxies.push([gateway, 'gateway', label])
          if (upstream) proxies.push([await startNginx(ctx, `cpu-proxy-${label.split(' ')[0]}`, n, { upstream: url }), 'nginx', label])
          if (n === 1) {
            const upstreamName = label.split(' ')[0]
            proxies.push([await startBareProxy(ctx, url, `bare-proxy-1 → ${upstreamName}`), 'bare-proxy', label])
            // Between the two: the proxy library alone, then under the framework (docs/benchmarks.md, "Where a proxied request's CPU goes").
            proxies.push([await startBareProxy(ctx, url, `library-proxy-1 → ${upstreamName}`, 'alone'), 'library-proxy', label])
            proxies.push([await startBareProxy(ctx, url, `library-proxy+hono-1 → ${upstreamName}`, 'under-hono'), 'library-proxy+hono', label])
          }
          for (const [target, kind] of proxies.filter(([, , l]) => l === label)) {
            await measure(target, { section: 'cpu-proxy', kind, processes: n, routeKey: label, path, tier, rtt: 0, headers: session.headers, rate: options.rates.proxy })
          }
        }
      } finally {
        await stopAll([legacy, ...proxies.map(([target]) => target), ...(upstream ? [upstream] : [])])
      }
    }

    // --- the gateway's cost levers, each off against the defaults: CPU per request at the same fixed rate
    if (options.scenarios.includes('levers')) {
      const tier = options.appTier
      const db = await dbFor(tier, 0)
      const legacy = await startLegacy(ctx, db, 1)
      const session = await loginSession(legacy.url)
      // A browser's Accept-Encoding, so compression is part of what is measured.
      const headers = { ...session.headers, 'accept-encoding': 'gzip, deflate, br, zstd' }
      const c = [options.connections.includes(16) ? 16 : Math.max(...options.connections)]
      try {
        for (const lever of LEVERS) {
          const gateway = await startGatewayProc(ctx, db, legacy.url, 1, lever.env, 'gateway-1')
          try {
            for (const routeKey of readRoutes) {
              await measure(gateway, { section: 'levers', kind: 'gateway', processes: 1, routeKey, path: pathOf(routeKey, tier), tier, rtt: 0, headers, variant: lever.variant, connections: c, rate: options.rates[routeKey] })
            }
          } finally {
            await gateway.proc.stop()
          }
        }
      } finally {
        await legacy.proc.stop()
      }
    }

    // --- database ceilings: each route's queries driven directly, no HTTP, no app --------------------------
    if (options.scenarios.includes('ceiling')) {
      for (const tier of tiers.values()) {
        const db = client.db(`bench_${tier.name}`)
        for (const routeKey of readRoutes) {
          // The 200,000-movement queries take ~0.5 s each on the local server: 64 at once would only queue.
          for (const c of tier.name === 'full' ? options.connections.filter((n) => n <= 16) : options.connections) {
            const result = await ceiling(db, routeKey, itemIds.get(tier.name)!, c, options.durationSec)
            ceilings.push({ section: 'ceiling', contender: 'mongo-java-server', kind: 'db', processes: '-', route: routeKey, connections: c, rttMs: 0, tier: tier.name, result })
            log(`  ceiling   ${tier.name.padEnd(5)} ${routeKey.padEnd(13)} c=${String(c).padEnd(3)} → ${result.rps.toFixed(0)} route-query-sets/s p50 ${result.p50Ms.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms`)
          }
        }
      }
      // Projections and single-batch reads on and off: the same query sets, app tier, most connections, at RTT 0
      // and through each emulated round trip.
      const tier = tiers.get('app')!
      const c = Math.max(...options.connections)
      for (const rtt of [0, ...options.rtts.filter((r) => r > 0)]) {
        const viaRelay = rtt > 0 ? await new MongoClient((await dbFor(tier, rtt)).uri).connect() : undefined
        const db = (viaRelay ?? client).db(`bench_${tier.name}`)
        try {
          for (const routeKey of readRoutes) {
            for (const variant of [AS_SHIPPED, UNPROJECTED]) {
              const result = await ceiling(variant === UNPROJECTED ? withoutProjections(db) : db, routeKey, itemIds.get(tier.name)!, c, options.durationSec)
              ceilings.push({ section: 'queries', contender: 'mongo-java-server', kind: 'db', processes: '-', route: routeKey, connections: c, rttMs: rtt, tier: tier.name, variant, result })
              log(`  queries   ${routeKey.padEnd(13)} c=${c} rtt=${rtt} ${variant} → ${result.rps.toFixed(0)} route-query-sets/s p99 ${result.p99Ms.toFixed(2)} ms`)
            }
          }
        } finally {
          await viaRelay?.close()
        }
      }
    }

    // --- app-layer comparison at equal process counts (and at each one's recommended setting) --------------
    let rotation = 0
    // `cached`: also the gateway with the response cache on (CACHE_TTL_MS=2000), an opt-in production setting.
    const compare = async (section: string, tier: Tier, procsList: Array<{ label: string; legacy: number; fastapi: number; gateway: number; bare: number }>, rtts: number[], connections: number[], cached = true) => {
      for (const rtt of rtts) {
        const db = await dbFor(tier, rtt)
        // With an emulated round trip only the highest connection count (the targets' setting) is measured.
        const conns = rtt > 0 ? [Math.max(...connections)] : connections
        for (const p of procsList) {
          const legacy = await startLegacy(ctx, db, p.legacy)
          const session = await loginSession(legacy.url)
          const targets: Array<[Running, string, number]> = [
            [legacy, 'legacy', p.legacy],
            [await startFastApi(ctx, db, p.fastapi, venv), 'fastapi', p.fastapi],
            [await startGatewayProc(ctx, db, legacy.url, p.gateway), 'gateway', p.gateway],
            [await startBare(ctx, db, p.bare), 'bare-node', p.bare],
          ]
          if (cached) targets.push([await startGatewayProc(ctx, db, legacy.url, p.gateway, { CACHE_TTL_MS: '2000' }, `gateway-${p.gateway}+cache`), 'gateway-cached', p.gateway])
          try {
            // The local server's JIT keeps warming during the run, so whoever goes first is at a disadvantage:
            // the order of the contenders rotates from one route to the next.
            for (const [r, routeKey] of options.routes.entries()) {
              for (let i = 0; i < targets.length; i++) {
                const [target, kind, count] = targets[(i + r + rotation) % targets.length]!
                await measure(target, { section, kind, processes: count, routeKey, path: pathOf(routeKey, tier), tier, rtt, headers: session.headers, variant: p.label, connections: conns, request: requestOf(routeKey, tier) })
              }
            }
            if (writesIn(options.routes)) await undoWrites.get(tier.name)!()
            rotation++
          } finally {
            await stopAll(targets.map(([target]) => target))
          }
        }
      }
    }
    if (options.scenarios.includes('app')) {
      await compare('app', options.appTier, options.processes.map((n) => ({ label: `${n} proc`, legacy: n, fastapi: n, gateway: n, bare: n })), options.rtts, options.appConnections)
    }
    if (options.scenarios.includes('rec')) {
      // Each one's recommended production setting on this machine: gunicorn (2 × cores) + 1 sync workers,
      // uvicorn one worker per core, the gateway one process per core (WEB_CONCURRENCY).
      const cores = os.cpus().length
      await compare('rec', options.appTier, [{ label: 'recommended', legacy: 2 * cores + 1, fastapi: cores, gateway: cores, bare: cores }], options.rtts, [Math.max(...options.connections)])
    }
    // --- speed features, each on and off (gateway, 1 process, app tier, most connections) -----------------
    if (options.scenarios.includes('features')) {
      const tier = options.appTier
      const db = await dbFor(tier, 0)
      const c = [Math.max(...options.connections)]
      const legacy = await startLegacy(ctx, db, 1)
      const session = await loginSession(legacy.url)
      const accept = { ...session.headers, 'accept-encoding': 'br, gzip' }
      const variants: Array<{ variant: string; env: Record<string, string>; headers: Record<string, string> | 'etag'; nodeArgs?: string[] }> = [
        { variant: 'baseline (all off)', env: { COMPRESSION: 'off', ETAG: 'off' }, headers: accept },
        { variant: 'compression on (br)', env: { COMPRESSION: 'on', ETAG: 'off' }, headers: accept },
        { variant: 'etag on, 200', env: { COMPRESSION: 'off', ETAG: 'on' }, headers: accept },
        { variant: 'etag on, 304 (If-None-Match)', env: { COMPRESSION: 'off', ETAG: 'on' }, headers: 'etag' },
        { variant: 'cache on (memory, 5 s TTL)', env: { COMPRESSION: 'off', ETAG: 'off', CACHE_TTL_MS: '5000' }, headers: accept },
        { variant: 'all on (defaults + cache)', env: { CACHE_TTL_MS: '5000' }, headers: accept },
        // Two levers on this machine's tail latency and peak memory, off by default (docs/benchmarks.md).
        { variant: 'defaults, MONGODB_MAX_POOL_SIZE=8', env: { MONGODB_MAX_POOL_SIZE: '8' }, headers: accept },
        { variant: 'defaults, --max-old-space-size=96', env: {}, headers: accept, nodeArgs: ['--max-old-space-size=96'] },
      ]
      try {
        for (const v of variants) {
          const gateway = await startGatewayProc(ctx, db, legacy.url, 1, v.env, `gateway-1`, v.nodeArgs)
          try {
            for (const routeKey of readRoutes) {
              let headers = v.headers === 'etag' ? session.headers : v.headers
              if (v.headers === 'etag') {
                const first = await fetch(`${gateway.url}${pathOf(routeKey, tier)}`, { headers: session.headers })
                await first.body?.cancel()
                headers = { ...session.headers, 'if-none-match': first.headers.get('etag') ?? '' }
              }
              await measure(gateway, { section: 'features', kind: 'gateway', processes: 1, routeKey, path: pathOf(routeKey, tier), tier, rtt: 0, headers, variant: v.variant, connections: c })
            }
          } finally {
            await gateway.proc.stop()
          }
        }
      } finally {
        await legacy.proc.stop()
      }
    }

    // --- the proxy path: a legacy-only route direct, through the gateway, through nginx -------------------
    if (options.scenarios.includes('proxy')) {
      const tier = options.appTier
      const db = await dbFor(tier, 0)
      const n = Math.min(...options.processes)
      const legacy = await startLegacy(ctx, db, 2, 'legacy-2')
      const session = await loginSession(legacy.url)
      const gateway = await startGatewayProc(ctx, db, legacy.url, n)
      const nginx = missing.includes('nginx-light') ? undefined : await startNginx(ctx, 'proxy', n, { upstream: legacy.url })
      try {
        for (const [target, kind] of [[legacy, 'direct'], [gateway, 'gateway'], [nginx, 'nginx']] as const) {
          if (target) await measure(target, { section: 'proxy', kind, processes: kind === 'direct' ? 2 : n, routeKey: 'legacy /api/diagnostico/requisicao', path: LEGACY_ONLY_ROUTE, tier, rtt: 0, headers: session.headers })
        }
      } finally {
        await stopAll([legacy, gateway, ...(nginx ? [nginx] : [])])
      }
    }
    if (options.scenarios.includes('upstream') && !missing.includes('nginx-light')) {
      const tier = options.appTier
      const db = await dbFor(tier, 0)
      const n = Math.min(...options.processes)
      const upstream = await startNginx(ctx, 'upstream', 1, { body: '{"ok":true}\\n' })
      const gateway = await startGatewayProc(ctx, db, upstream.url, n, {}, `gateway-${n}`)
      // The keep-alive agent on and off (a keep-alive capable upstream: gunicorn sync closes every connection).
      const noReuse = await startGatewayProc(ctx, db, upstream.url, n, { LEGACY_KEEP_ALIVE: 'off' }, `gateway-${n}, LEGACY_KEEP_ALIVE=off`)
      const nginx = await startNginx(ctx, 'proxy-fast', n, { upstream: upstream.url })
      try {
        for (const [target, kind] of [[upstream, 'direct'], [gateway, 'gateway'], [noReuse, 'gateway-no-keepalive'], [nginx, 'nginx']] as const) {
          await measure(target, { section: 'upstream', kind, processes: kind === 'direct' ? 1 : n, routeKey: 'trivial /x', path: '/x', tier, rtt: 0, headers: { 'user-agent': USER_AGENT } })
        }
      } finally {
        await stopAll([upstream, gateway, noReuse, nginx])
      }
    }
    if (options.scenarios.includes('full')) {
      const n = Math.max(...options.processes)
      // At most 16 connections: on this server one 200,000-movement request takes seconds, and 64 queued
      // requests keep the database busy for minutes after each run (the next contender would measure that).
      const conns = options.connections.filter((c) => c <= 16)
      await compare('full', options.fullTier, [{ label: `${n} proc`, legacy: n, fastapi: n, gateway: n, bare: n }], [0], conns.length > 0 ? conns : [Math.min(...options.connections)], false)
    }

  } finally {
    await Promise.all(stops.map((stop) => stop()))
    await client.close()
    await mongo.stop()
  }
  meta.loadAfter = os.loadavg().map((l) => l.toFixed(2)).join(' ')
  log(`bench: done, load ${meta.loadAfter}`)
  return { options, rows, meta, ceilings }
}

/** The levers of the gateway's CPU per request: the defaults, each one switched off alone, and all of them off. */
export const LEVER_DEFAULTS = 'defaults'
export const LEVERS: Array<{ variant: string; env: Record<string, string> }> = [
  { variant: LEVER_DEFAULTS, env: {} },
  { variant: 'request log off (LOG_LEVEL=warn)', env: { LOG_LEVEL: 'warn' } },
  { variant: 'request metrics off', env: { REQUEST_METRICS: 'off' } },
  { variant: 'ETag off', env: { ETAG: 'off' } },
  { variant: 'compression off', env: { COMPRESSION: 'off' } },
  { variant: 'session user cache off', env: { SESSION_USER_CACHE_TTL_MS: '0' } },
  { variant: 'database admission off', env: { MONGODB_MAX_CONCURRENT_REQUESTS: '0' } },
  { variant: 'UTF-8 validation off', env: { MONGODB_UTF8_VALIDATION: 'off' } },
  {
    variant: 'all of the above off',
    env: { LOG_LEVEL: 'warn', REQUEST_METRICS: 'off', ETAG: 'off', COMPRESSION: 'off', SESSION_USER_CACHE_TTL_MS: '0', MONGODB_MAX_CONCURRENT_REQUESTS: '0', MONGODB_UTF8_VALIDATION: 'off' },
  },
]

export const AS_SHIPPED = 'as shipped'
export const UNPROJECTED = 'no projections, default batches'

/**
 * The same database with `projection` and `batchSize` dropped from every find/findOne: the route's own query
 * code then reads whole documents in the driver's default batches, which is what those two options save.
 */
function withoutProjections(db: Db): Db {
  const strip = (options?: FindOptions): FindOptions => ({ ...options, projection: undefined, batchSize: undefined })
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== 'collection') return Reflect.get(target, prop, receiver)
      return (name: string) => {
        const collection = target.collection(name)
        return new Proxy(collection, {
          get(coll, key) {
            if (key === 'find') return (filter: Filter<Document>, options?: FindOptions) => coll.find(filter, strip(options))
            if (key === 'findOne') return (filter: Filter<Document>, options?: FindOptions) => coll.findOne(filter, strip(options))
            const value = Reflect.get(coll, key)
            return typeof value === 'function' ? value.bind(coll) : value
          },
        })
      }
    },
  })
}

/**
 * Takes the items as seeded; the returned function puts them back and deletes every movement added since (the
 * seed's ids carry a fixed 2020 timestamp, every later id a later one), so the writes leave no trace.
 */
async function writeUndo(db: Db): Promise<() => Promise<void>> {
  const items = await db.collection('itens').find({}, { promoteValues: false }).toArray()
  const movements = await db.collection('movimentacoes').countDocuments()
  const since = ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 1)
  return async () => {
    await db.collection('movimentacoes').deleteMany({ _id: { $gte: since } })
    await db.collection('itens').deleteMany({ _id: { $nin: items.map((item) => item._id) } })
    await db.collection('itens').bulkWrite(items.map((item) => ({ replaceOne: { filter: { _id: item._id }, replacement: item } })))
    const left = await db.collection('movimentacoes').countDocuments()
    if (left !== movements) throw new Error(`bench: ${left} movements after undoing the writes, ${movements} seeded`)
    const itemsLeft = await db.collection('itens').countDocuments()
    if (itemsLeft !== items.length) throw new Error(`bench: ${itemsLeft} items after undoing the writes, ${items.length} seeded`)
  }
}

/** The queries one request of `routeKey` runs (session lookup included), driven directly in a tight loop. */
async function ceiling(db: Db, routeKey: RouteKey, itemId: string, concurrency: number, durationSec: number): Promise<LoadResult> {
  const users = db.collection('usuarios')
  const user = await users.findOne({ email: 'demo@estoque.local' })
  const once = async () => {
    await users.findOne({ _id: user!._id, ativo: true }, { projection: { _id: 1, email: 1, nome: 1 } })
    if (routeKey === 'hierarquia') return void (await findHierarchyItems(db, false))
    if (routeKey === 'itens') return void (await findListedItems(db, new Map()))
    if (routeKey === 'item') return void (await findItemByLegacyId(db, itemId))
    if (routeKey === 'movimentacoes') {
      const { docs } = await findMovementPage(db, {}, 20n, 20n)
      return void (await movementsJson(db, docs))
    }
    const today = startOfUtcDay(new Date())
    const tomorrow = new Date(today.getTime() + DAY_MS)
    await Promise.all([
      findActiveItems(db),
      countMovementsBetween(db, today, tomorrow),
      findLatestMovements(db, 10).then((movs) => movementsJson(db, movs)),
      findWeekMovements(db, new Date(today.getTime() - 6 * DAY_MS), tomorrow),
    ])
  }
  const latencies: number[] = []
  const end = performance.now() + durationSec * 1000
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now()
        await once()
        latencies.push(performance.now() - t)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  return { rps: latencies.length / elapsed, p50Ms: at(50), p99Ms: at(99), errors: 0, requests: latencies.length }
}

export { freePort, SECRET_KEY }
export type { LocalMongo }
