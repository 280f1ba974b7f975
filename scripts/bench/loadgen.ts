// The load generator: wrk (C, one thread: it leaves the most CPU to the contenders on a small machine) when
// installed, else autocannon (npm), for closed-loop runs; scripts/bench/fixed-rate.ts for fixed-rate runs. Same
// connections, duration, headers and URL for every contender.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { FixedRateOptions } from './fixed-rate.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export type LoadResult = { rps: number; p50Ms: number; p99Ms: number; errors: number; requests: number }
/**
 * In a request body, replaced by a number unique to the request: `<tag>-<n>`, the tag unique to the run
 * (a create needs a new codigo every time).
 */
export const SEQ = '{seq}'
let runs = 0
/** A tag no other run of this process, nor an earlier process, uses. */
export function runTag(): string {
  return `${Date.now().toString(36)}${(runs++).toString(36)}`
}
export function withSeq(body: string, tag: string, n: number): string {
  return body.includes(SEQ) ? body.replaceAll(SEQ, `${tag}-${n}`) : body
}

/** `method` (default GET) with `bodies` sent in turn, one per request (`SEQ` in them numbered). */
export type LoadOptions = { url: string; connections: number; durationSec: number; headers: Record<string, string>; method?: string; bodies?: string[] }

const WRK = '/usr/bin/wrk'

export function loadGeneratorName(): 'wrk' | 'autocannon' {
  return process.env.BENCH_LOADGEN === 'autocannon' || !existsSync(WRK) ? 'autocannon' : 'wrk'
}

/** Closed loop (each connection sends its next request when the previous one is answered), or open loop at `rate` req/s. */
export async function drive(options: LoadOptions & { rate?: number }): Promise<LoadResult> {
  if (options.rate) return runFixedRate({ ...options, rate: options.rate })
  return loadGeneratorName() === 'wrk' ? runWrk(options) : runAutocannon(options)
}

/** scripts/bench/fixed-rate.ts, compiled, in its own process (its CPU is not any contender's). */
async function runFixedRate(options: FixedRateOptions): Promise<LoadResult> {
  const script = path.join(root, '.cache/bench/dist/scripts/bench/fixed-rate.js')
  const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(options)], { maxBuffer: 1 << 20, timeout: (options.durationSec + 60) * 1000 })
  return JSON.parse(stdout) as LoadResult
}

async function runWrk({ url, connections, durationSec, headers, method, bodies }: LoadOptions): Promise<LoadResult> {
  const args = ['-t1', `-c${connections}`, `-d${durationSec}s`, '--latency', '--timeout', '30s']
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  if (method && method !== 'GET') args.push('-s', wrkScript(method, bodies ?? []))
  args.push(url)
  const { stdout } = await promisify(execFile)(WRK, args, { maxBuffer: 1 << 20 })
  return parseWrk(stdout)
}

/** A wrk script sending `method` with the bodies in turn (wrk adds the content-length). */
function wrkScript(method: string, bodies: string[]): string {
  const dir = path.join(root, '.cache/bench')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `wrk-${method.toLowerCase()}.lua`)
  const list = bodies.map(luaString).join(',\n')
  const numbered = bodies.some((body) => body.includes(SEQ))
  // wrk runs one thread here (-t1), so one counter numbers every request.
  const next = numbered ? `(string.gsub(bodies[i], "{seq}", "${runTag()}-" .. n))` : 'bodies[i]'
  writeFileSync(
    file,
    `wrk.method = "${method}"\nlocal bodies = {${list}}\nlocal i = 0\nlocal n = 0\nrequest = function()\n  i = i % math.max(#bodies, 1) + 1\n  n = n + 1\n  return wrk.format(nil, nil, nil, ${next})\nend\n`,
  )
  return file
}

/** A Lua string literal of `text`'s UTF-8 bytes (a long string would turn a multipart body's CRLFs into LFs). */
function luaString(text: string): string {
  let out = '"'
  for (const byte of Buffer.from(text)) out += byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`
  return `${out}"`
}

export function parseWrk(out: string): LoadResult {
  const duration = (text: string | undefined): number => {
    const match = /([\d.]+)(us|ms|s|m)/.exec(text ?? '')
    if (!match) return NaN
    const value = Number(match[1])
    return match[2] === 'us' ? value / 1000 : match[2] === 'ms' ? value : match[2] === 's' ? value * 1000 : value * 60_000
  }
  const pct = (p: string) => duration(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1])
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const socketErrors = socket ? Number(socket[1]) + Number(socket[3]) + Number(socket[4]) : 0
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    // wrk counts a closed keep-alive connection as a read error; those are not failed requests. Timeouts are.
    errors: non2xx + socketErrors,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
  }
}

async function runAutocannon({ url, connections, durationSec, headers, method, bodies }: LoadOptions): Promise<LoadResult> {
  const { default: autocannon } = await import('autocannon')
  const tag = runTag()
  let n = 0
  const requests = bodies?.map((body) => ({ method, body, ...(body.includes(SEQ) ? { setupRequest: (request: object) => ({ ...request, body: withSeq(body, tag, ++n) }) } : {}) }))
  const result = await autocannon({ url, connections, duration: durationSec, headers, timeout: 30, method, requests })
  return {
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  }
}

/**
 * `requests` requests as a closed loop over `concurrency` connections, sent from this process: warms a
 * contender's JIT by work done, not time spent. V8 tiers code up by how often it runs, and the gateway carries
 * far more code than bare node:http: at 40 req/s it was still optimizing functions two minutes in, its helper
 * threads busy compiling (docs/benchmarks.md, "Warm-up by requests"). Returns the number of non-2xx/3xx answers and failures.
 */
export async function warmByRequests(url: string, headers: Record<string, string>, requests: number, concurrency = 4, send: { method?: string; bodies?: string[] } = {}): Promise<number> {
  let sent = 0
  let failed = 0
  const tag = runTag()
  const loop = async () => {
    while (sent < requests) {
      const template = send.bodies?.[sent % send.bodies.length]
      const body = template === undefined ? undefined : withSeq(template, tag, sent)
      sent++
      try {
        const response = await fetch(url, { method: send.method, body, headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) })
        await response.arrayBuffer()
        if (response.status >= 400) failed++
      } catch {
        failed++
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  return failed
}
