/**
 * Open-loop load generator for the CPU-per-request runs: `node fixed-rate.js '<json options>'` sends requests
 * (GET, or `method` with `bodies` sent in turn) at a fixed rate over at most `connections` keep-alive connections for `durationSec`, and prints one JSON
 * line (a LoadResult). It runs in its own process, so its CPU is never counted as a contender's.
 *
 * Requests are scheduled at fixed instants (1/rate apart); a request whose instant comes while every
 * connection is busy waits for one, and its latency is counted from its scheduled instant (no coordinated
 * omission). After the last instant it waits for the outstanding requests (bounded by the timeout).
 */
import http from 'node:http'
import { runTag, SEQ, withSeq, type LoadResult } from './loadgen.js'

export type FixedRateOptions = {
  url: string
  connections: number
  durationSec: number
  rate: number
  headers: Record<string, string>
  method?: string
  bodies?: string[]
  timeoutMs?: number
}

export async function runFixedRate(options: FixedRateOptions): Promise<LoadResult> {
  const { url, connections, durationSec, rate, headers, method = 'GET' } = options
  const templates = options.bodies ?? []
  const bodies = templates.map((body) => Buffer.from(body))
  const numbered = templates.some((body) => body.includes(SEQ))
  const tag = runTag()
  const timeoutMs = options.timeoutMs ?? 30_000
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections })
  const target = new URL(url)
  const latencies: number[] = []
  let errors = 0
  let outstanding = 0
  let drained: (() => void) | undefined
  const once = (scheduledAt: number) => {
    outstanding++
    const finish = (ok: boolean) => {
      if (ok) latencies.push(performance.now() - scheduledAt)
      else errors++
      if (--outstanding === 0) drained?.()
    }
    const body = bodies.length === 0 ? undefined : numbered ? Buffer.from(withSeq(templates[sent % templates.length]!, tag, sent)) : bodies[sent % bodies.length]
    const req = http.request({ agent, method, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, timeout: timeoutMs }, (res) => {
      res.on('data', () => {})
      res.on('end', () => finish((res.statusCode ?? 0) < 400))
      res.on('error', () => finish(false))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => finish(false))
    req.end(body)
  }
  const interval = 1000 / rate
  const total = Math.max(1, Math.round(durationSec * rate))
  const started = performance.now()
  let sent = 0
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now()
      // Every instant that has come (a late timer sends the missed ones at once, each timed from its instant).
      while (sent < total && started + sent * interval <= now) once(started + sent++ * interval)
      if (sent >= total) return resolve()
      setTimeout(tick, Math.max(0, started + sent * interval - performance.now()))
    }
    tick()
  })
  if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve))
  const elapsedSec = (performance.now() - started) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN
  return { rps: latencies.length / elapsedSec, p50Ms: at(50), p99Ms: at(99), errors, requests: latencies.length }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  runFixedRate(JSON.parse(process.argv[2]!) as FixedRateOptions).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`)
      process.exit(0)
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`)
      process.exit(1)
    },
  )
}
