/**
 * `npx tsx scripts/bench/ab.ts <compiled dir A> <compiled dir B> [more] [path] [rate] [seconds] [rounds] [connections]`:
 * CPU per request of two (or more) builds of the gateway (one process each) on the same seeded app tier, the same
 * MongoDB and the same load, in alternating rounds (A B, B A, ...), so a change is measured on and off in one run
 * on a shared machine. A compiled dir is what `node node_modules/typescript/bin/tsc -p scripts/bench/tsconfig.json
 * --outDir <dir>` writes (build the old commit's tree first, e.g. after `git stash`). Prints each round's gateway
 * and database CPU ms/request with req/s, p50/p99 and the load average, then the totals.
 * - Defaults: /api/dashboard, 15 req/s, 15 s, 3 rounds, 8 connections. Rate `0` is a closed loop (each connection
 *   sends its next request when the last is answered: the build's ceiling at that concurrency).
 * - `{item}` in the path is the data's first item id (`/api/estoque/itens/{item}`); a key of ROUTES in app-tier.ts
 *   instead of a path sends that route's request, the writes' methods and bodies included (`registrar`).
 * - `WARMUP_REQUESTS=5000` sends that many requests to each build in a closed loop before the timed warm-up.
 * - `RTT_MS=2` puts the emulated database round trip (scripts/bench/delay-relay.ts, run inside this script)
 *   between the builds and MongoDB.
 * - `bare:<compiled dir>` runs that build's bare node:http reference instead, `proxy:<compiled dir>` its bare
 *   node:http proxy to the legacy app (scripts/bench/bare-proxy.ts), `library-proxy:` http-proxy-middleware alone
 *   (scripts/bench/library-proxy.ts, `,UNDER_HONO=on` under Hono).
 * - A build may end in `,NAME=value,...` for its environment (a lever on or off: `dist,REQUEST_METRICS=off`).
 */
import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ROUTES, benchRequest, requestHeaders, routePath, runScript, withAppTier, type BenchRequest, type RouteKey } from './app-tier.js'
import { freePort } from '../dev/ports.js'
import { root, SECRET_KEY, type DbTarget } from './contenders.js'
import { startDelayRelay } from './delay-relay.js'
import { drive, runTag, warmByRequests, withSeq } from './loadgen.js'
import { startProcess, treeCpuMs, treeCpuSplitMs, waitForUrl } from './processes.js'

const logDir = path.join(root, '.cache/bench/ab')

const REFERENCES: Record<string, string> = { bare: 'scripts/bench/bare-node.js', proxy: 'scripts/bench/bare-proxy.js', 'library-proxy': 'scripts/bench/library-proxy.js' }

/** `[bare:|proxy:|library-proxy:]dir[,NAME=value...]`: that build's gateway, or one of its references, with extra environment. */
async function startBuild(label: string, spec: string, db: DbTarget, legacyUrl: string) {
  const port = await freePort()
  const [target = '', ...overrides] = spec.split(',')
  const reference = /^([\w-]+):(.*)$/.exec(target)
  const main = reference ? path.resolve(reference[2]!, REFERENCES[reference[1]!] ?? `unknown reference ${reference[1]}`) : path.resolve(target, 'gateway/server.js')
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1',
    MONGODB_URI: db.uri, MONGODB_DB: db.dbName, LEGACY_URL: legacyUrl, UPSTREAM: legacyUrl, SECRET_KEY, WEB_CONCURRENCY: '1', LOG_LEVEL: 'info',
    ...Object.fromEntries(overrides.map((o) => [o.slice(0, o.indexOf('=')), o.slice(o.indexOf('=') + 1)])),
  }
  const proc = startProcess(label, process.execPath, [main], { cwd: root, env, logDir })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`, 60_000, (s) => s === 200)
  return { label, url, proc }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  // Builds first (each names a compiled dir), then the path and the numbers.
  const at = args.findIndex((a) => !existsSync(a.split(',')[0]!.replace(/^[\w-]+:/, '')))
  const specs = at < 0 ? args : args.slice(0, at)
  const [target = '/api/dashboard', rate = '15', seconds = '15', rounds = '3', connections = '8'] = at < 0 ? [] : args.slice(at)
  const offered = Number(rate) > 0 ? Number(rate) : undefined
  if (!target.startsWith('/') && !(target in ROUTES)) throw new Error(`not a compiled dir, a path nor a route: ${target}`)
  if (specs.length < 2) throw new Error('usage: ab.ts <compiled dir A> <compiled dir B> [more builds] [path] [rate] [seconds] [rounds] [connections]')
  const rttMs = Number(process.env.RTT_MS ?? 0)
  await withAppTier(logDir, async ({ mongo, db: direct, legacy, headers: session, itemId, writeItems }) => {
    const request: BenchRequest = target in ROUTES ? benchRequest(target as RouteKey, itemId, writeItems) : { method: 'GET', path: routePath(target, itemId) }
    const requestPath = request.path
    const headers = requestHeaders(request, session)
    const send = { method: request.method, bodies: request.bodies }
    const stops: Array<() => Promise<void>> = []
    let db = direct
    try {
      if (rttMs > 0) {
        const port = await freePort()
        const relay = startDelayRelay(port, { host: '127.0.0.1', port: Number(new URL(direct.uri).port) }, rttMs)
        stops.push(() => new Promise<void>((resolve) => relay.close(() => resolve())))
        db = { uri: `mongodb://127.0.0.1:${port}/?directConnection=true`, dbName: direct.dbName }
        console.log(`through a ${rttMs} ms round trip to the database`)
      }
      const builds = []
      for (const [i, spec] of specs.entries()) builds.push(await startBuild(String.fromCharCode(65 + i), spec, db, legacy.url))
      for (const build of builds) stops.push(() => build.proc.stop())
      const bodies = await Promise.all(builds.map((b) => fetch(`${b.url}${requestPath}`, { headers, method: send.method, body: send.bodies && withSeq(send.bodies[0]!, runTag(), 0) }).then((r) => r.text())))
      // A write's answers differ by their ids and times.
      if (!send.bodies) console.log(`same body from every build: ${bodies.every((b) => b === bodies[0])} (${bodies[0]!.length} bytes)`)
      // Warm-up (JIT of both builds and of the JVM database), left out of the figures: WARMUP_REQUESTS requests
      // in a closed loop first (the gateway's JIT settles after thousands, docs/benchmarks.md), then 10 s at the rate.
      const warmupRequests = Number(process.env.WARMUP_REQUESTS ?? 0)
      if (warmupRequests > 0) for (const b of builds) await warmByRequests(`${b.url}${requestPath}`, headers, warmupRequests, 4, send)
      for (const b of builds) await drive({ url: `${b.url}${requestPath}`, connections: 4, durationSec: 10, headers, rate: offered ?? 15, ...send })
      // What each costs with no request at all (timers, polling, monitoring), shared by the requests of a round.
      const idle0 = builds.map((b) => treeCpuMs(b.proc.pid))
      await new Promise((resolve) => setTimeout(resolve, 10_000))
      builds.forEach((b, i) => console.log(`idle ${b.label}: ${((treeCpuMs(b.proc.pid) - idle0[i]!) / 10).toFixed(2)} ms CPU per second`))
      const totals = new Map<string, { cpu: number; user: number; db: number; n: number; seconds: number }>()
      for (let r = 0; r < Number(rounds); r++) {
        for (const b of r % 2 ? [...builds].reverse() : builds) {
          const cpu0 = treeCpuSplitMs(b.proc.pid)
          const db0 = treeCpuMs(mongo.pid!)
          const res = await drive({ url: `${b.url}${requestPath}`, connections: Number(connections), durationSec: Number(seconds), headers, rate: offered, ...send })
          const cpu1 = treeCpuSplitMs(b.proc.pid)
          const user = cpu1.userMs - cpu0.userMs
          const cpu = user + cpu1.systemMs - cpu0.systemMs
          const dbCpu = treeCpuMs(mongo.pid!) - db0
          const n = Math.max(1, res.requests)
          console.log(
            `round ${r + 1} ${b.label} ${res.requests} ok ${res.errors} errors, ${res.rps.toFixed(0)} req/s, p50 ${res.p50Ms.toFixed(1)} p99 ${res.p99Ms.toFixed(0)} ms: gateway ${(cpu / n).toFixed(2)} ms/req (user ${(user / n).toFixed(2)}), db ${(dbCpu / n).toFixed(2)} ms/req, load ${os.loadavg()[0]!.toFixed(2)}`,
          )
          const sum = totals.get(b.label) ?? { cpu: 0, user: 0, db: 0, n: 0, seconds: 0 }
          totals.set(b.label, { cpu: sum.cpu + cpu, user: sum.user + user, db: sum.db + dbCpu, n: sum.n + n, seconds: sum.seconds + Number(seconds) })
        }
      }
      for (const [label, t] of totals) console.log(`total ${label}: ${t.n} requests (${(t.n / t.seconds).toFixed(0)} req/s), gateway ${(t.cpu / t.n).toFixed(2)} ms/req (user ${(t.user / t.n).toFixed(2)}), db ${(t.db / t.n).toFixed(2)} ms/req`)
    } finally {
      for (const stop of stops.reverse()) await stop()
    }
  })
}

runScript(main)
