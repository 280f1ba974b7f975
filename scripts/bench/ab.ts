/**
 * `npx tsx scripts/bench/ab.ts <compiled dir A> <compiled dir B> [path] [rate] [seconds] [rounds]`: CPU per
 * request of two builds of the gateway (one process each) on the same seeded app tier, the same MongoDB and
 * the same fixed rate, in alternating rounds (A B, B A, ...), so a change is measured on and off in one run
 * on a shared machine. A compiled dir is what `node node_modules/typescript/bin/tsc -p scripts/bench/tsconfig.json
 * --outDir <dir>` writes (build the old commit's tree first, e.g. after `git stash`). Prints each round's
 * gateway and database CPU ms/request with the load average, then the totals. Defaults: /api/dashboard,
 * 15 req/s, 15 s, 3 rounds. `bare:<compiled dir>` runs that build's bare node:http reference instead.
 */
import os from 'node:os'
import path from 'node:path'
import { runScript, withAppTier } from './app-tier.js'
import { freePort } from '../dev/ports.js'
import { root, SECRET_KEY, type DbTarget } from './contenders.js'
import { drive } from './loadgen.js'
import { startProcess, treeCpuMs, waitForUrl } from './processes.js'

const logDir = path.join(root, '.cache/bench/ab')

/** `dir`, or `bare:dir` for that build's bare node:http reference (scripts/bench/bare-node.ts) instead of the gateway. */
async function startBuild(label: string, dir: string, db: DbTarget, legacyUrl: string) {
  const port = await freePort()
  const bare = dir.startsWith('bare:')
  const main = bare ? path.resolve(dir.slice(5), 'scripts/bench/bare-node.js') : path.resolve(dir, 'gateway/server.js')
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8', NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1',
    MONGODB_URI: db.uri, MONGODB_DB: db.dbName, LEGACY_URL: legacyUrl, SECRET_KEY, WEB_CONCURRENCY: '1', LOG_LEVEL: 'info',
  }
  const proc = startProcess(label, process.execPath, [main], { cwd: root, env, logDir })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`, 60_000, (s) => s === 200)
  return { label, url, proc }
}

async function main(): Promise<void> {
  const [dirA, dirB, target = '/api/dashboard', rate = '15', seconds = '15', rounds = '3'] = process.argv.slice(2)
  if (!dirA || !dirB) throw new Error('usage: ab.ts <compiled dir A> <compiled dir B> [path] [rate] [seconds] [rounds]')
  await withAppTier(logDir, async ({ mongo, db, legacy, headers }) => {
    const stops: Array<() => Promise<void>> = []
    try {
      const builds = [await startBuild('A', dirA, db, legacy.url), await startBuild('B', dirB, db, legacy.url)]
      for (const build of builds) stops.push(() => build.proc.stop())
      const bodies = await Promise.all(builds.map((b) => fetch(`${b.url}${target}`, { headers }).then((r) => r.text())))
      console.log(`same body from A and B: ${bodies[0] === bodies[1]} (${bodies[0]!.length} bytes)`)
      // Warm-up (JIT of both builds and of the JVM database), left out of the figures.
      for (const b of builds) await drive({ url: `${b.url}${target}`, connections: 4, durationSec: 10, headers, rate: Number(rate) })
      // What each costs with no request at all (timers, polling, monitoring), shared by the requests of a round.
      const idle0 = builds.map((b) => treeCpuMs(b.proc.pid))
      await new Promise((resolve) => setTimeout(resolve, 10_000))
      builds.forEach((b, i) => console.log(`idle ${b.label}: ${((treeCpuMs(b.proc.pid) - idle0[i]!) / 10).toFixed(2)} ms CPU per second`))
      const totals = new Map<string, { cpu: number; db: number; n: number }>()
      for (let r = 0; r < Number(rounds); r++) {
        for (const b of r % 2 ? [...builds].reverse() : builds) {
          const cpu0 = treeCpuMs(b.proc.pid)
          const db0 = treeCpuMs(mongo.pid!)
          const res = await drive({ url: `${b.url}${target}`, connections: 8, durationSec: Number(seconds), headers, rate: Number(rate) })
          const cpu = treeCpuMs(b.proc.pid) - cpu0
          const dbCpu = treeCpuMs(mongo.pid!) - db0
          const n = Math.max(1, res.requests)
          console.log(`round ${r + 1} ${b.label} ${res.requests} ok ${res.errors} errors, p50 ${res.p50Ms.toFixed(1)} ms: gateway ${(cpu / n).toFixed(2)} ms/req, db ${(dbCpu / n).toFixed(2)} ms/req, load ${os.loadavg()[0]!.toFixed(2)}`)
          const sum = totals.get(b.label) ?? { cpu: 0, db: 0, n: 0 }
          totals.set(b.label, { cpu: sum.cpu + cpu, db: sum.db + dbCpu, n: sum.n + n })
        }
      }
      for (const [label, t] of totals) console.log(`total ${label}: ${t.n} requests, gateway ${(t.cpu / t.n).toFixed(2)} ms/req, db ${(t.db / t.n).toFixed(2)} ms/req`)
    } finally {
      for (const stop of stops.reverse()) await stop()
    }
  })
}

runScript(main)
