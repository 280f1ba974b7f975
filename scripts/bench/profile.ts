/**
 * `npx tsx scripts/bench/profile.ts [route] [seconds] [rate] [env...]`: the compiled gateway (one process) under
 * `node --cpu-prof` on the bench's app tier, driven by wrk (16 connections, `CONNECTIONS=64` for more; at `rate` req/s when given) on one
 * route (a key of ROUTES in app-tier.ts, writes included; `proxy`; `idle`: no requests at all) after a 10 s warm-up; prints the busy time of the measured
 * run by where it goes (package / gateway layer), in µs per request too, and the top frames by self time. Extra `NAME=value`
 * arguments go to the gateway's environment; `PROGRAM=library-proxy` (with `UNDER_HONO=on`: under Hono) or
 * `PROGRAM=bare-node` profiles that reference instead of the gateway, to compare where a request's time goes.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { LEGACY_ONLY_ROUTE, ROUTES, benchRequest, requestHeaders, runScript, withAppTier, type BenchRequest, type RouteKey } from './app-tier.js'
import { compileForBench, root, startGatewayProc } from './contenders.js'
import { drive } from './loadgen.js'

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

/** Where a frame's time goes: a package, Node itself, garbage collection, or a folder of this repo. */
export function categoryOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(program)' || functionName === '(idle)') return functionName
  if (!url) return 'native / V8'
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return pkg[1]!
  const own = /\/dist\/([^/]+)\//.exec(url)
  return own ? `repo: ${own[1]}` : url
}

/** `skipMs`: samples of the first ms of the process (start-up, module loading, warm-up) are left out; so are those after `endMs` (shutdown). */
export function summarize(profile: Profile, skipMs: number, top = 25, requests = 0, endMs = Infinity): string {
  const selfUs = new Map<number, number>()
  let at = 0
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (at < skipMs * 1000 || at > endMs * 1000) continue
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const frames = new Map<string, number>()
  const categories = new Map<string, number>()
  let busy = 0
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0
    if (us === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const category = categoryOf(url, functionName)
    if (category === '(idle)') continue
    busy += us
    categories.set(category, (categories.get(category) ?? 0) + us)
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim()
    frames.set(key, (frames.get(key) ?? 0) + us)
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`
  const perRequest = (us: number) => (requests > 0 ? ` | ${(us / requests).toFixed(0)}` : '')
  const lines = [`busy ${(busy / 1000).toFixed(0)} ms${requests > 0 ? `, ${(busy / requests).toFixed(0)} µs per request` : ''}`, '']
  lines.push(requests > 0 ? '| where | share of busy CPU | µs per request |' : '| where | share of busy CPU |', requests > 0 ? '|---|---|---|' : '|---|---|')
  for (const [name, us] of [...categories].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`| ${name} | ${pct(us)}${perRequest(us)} |`)
  lines.push('', '| top frames (self time) | share |', '|---|---|')
  for (const [name, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`| \`${name}\` | ${pct(us)} |`)
  return lines.join('\n')
}


async function main(): Promise<void> {
  const [route = 'dashboard', seconds = '10', ...rest] = process.argv.slice(2)
  const rate = /^\d+$/.test(rest[0] ?? '') ? Number(rest.shift()) : undefined
  const { PROGRAM: program, CONNECTIONS: connectionCount = '16', ...env } = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]))
  if (program !== undefined && program !== 'library-proxy' && program !== 'bare-node') throw new Error('PROGRAM: library-proxy or bare-node (or leave it out for the gateway)')
  if (!(route in ROUTES) && route !== 'proxy' && route !== 'idle') throw new Error(`route: one of ${[...Object.keys(ROUTES), 'proxy', 'idle'].join(', ')}`)
  compileForBench()
  const logDir = path.join(root, '.cache/bench/profile')
  const profDir = path.join(logDir, 'cpuprofile')
  rmSync(profDir, { recursive: true, force: true })
  mkdirSync(profDir, { recursive: true })
  await withAppTier(logDir, async ({ db, legacy, headers: session, itemId, writeItems }) => {
    const request: BenchRequest = route === 'proxy' ? { method: 'GET', path: LEGACY_ONLY_ROUTE } : benchRequest(route === 'idle' ? 'dashboard' : (route as RouteKey), itemId, writeItems)
    const headers = requestHeaders(request, session)
    let skipMs = 0
    let endMs = Infinity
    let requests = 0
    const spawned = Date.now()
    const label = program ?? 'gateway-1'
    const entry = program ? `scripts/bench/${program}.js` : undefined
    // The reference proxies read their upstream from UPSTREAM.
    const gateway = await startGatewayProc({ logDir }, db, legacy.url, 1, program ? { UPSTREAM: legacy.url, ...env } : env, label, ['--cpu-prof', `--cpu-prof-dir=${profDir}`], entry)
    try {
      const url = `${gateway.url}${request.path}`
      const connections = Number(connectionCount)
      const send = { method: request.method, bodies: request.bodies }
      await drive({ url, connections, durationSec: 10, headers, rate, ...send })
      skipMs = Date.now() - spawned
      if (route === 'idle') {
        await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000))
        console.log(`idle for ${seconds} s after the warm-up`)
      } else {
        const result = await drive({ url, connections, durationSec: Number(seconds), headers, rate, ...send })
        endMs = Date.now() - spawned
        requests = result.requests
        console.log(`${route}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms (start-up and the 10 s warm-up left out of the profile)`)
      }
    } finally {
      await gateway.proc.stop()
    }
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
    if (!file) throw new Error('no .cpuprofile written')
    console.log(summarize(JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as Profile, skipMs, 25, requests, endMs))
  })
}

runScript(main)
