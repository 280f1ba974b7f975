/**
 * Cold-start cost of the Vercel entry, measured the way a fresh function instance pays it: a NEW Node
 * process imports api/index.ts (module scope builds the gateway and its MongoClient), then serves its
 * first request, then a few warm ones. Repeated in separate processes; prints the median and range.
 *   npx tsx scripts/deploy/cold-start.ts [--mongo mongodb://...] [--runs 7] [--path /readyz]
 * Without --mongo it starts the local MongoDB-wire server (scripts/local-mongo). The legacy app is a
 * stand-in answering 200, so /readyz (MongoDB ping + legacy probe) is 200 when MongoDB answers.
 * The child runs under tsx (TypeScript transpiled on the fly), so "import" includes transpiling the
 * gateway's sources; Vercel ships transpiled JS, so this is an upper bound for that part.
 */
import { spawn } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startLocalMongo } from '../local-mongo/index.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const { values } = parseArgs({
  options: {
    mongo: { type: 'string' },
    runs: { type: 'string', default: '7' },
    path: { type: 'string', default: '/readyz' },
  },
})

// One cold instance: import, first request, 5 warm requests; prints JSON timings in ms.
const CHILD = `
const t0 = performance.now()
const mod = await import(${JSON.stringify(path.join(root, 'api/index.ts'))})
const t1 = performance.now()
const http = await import('node:http')
const server = http.createServer((req, res) => void mod.default(req, res))
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = 'http://127.0.0.1:' + server.address().port + ${JSON.stringify(values.path)}
const t2 = performance.now()
const first = await fetch(url); await first.arrayBuffer()
const t3 = performance.now()
const warm = []
for (let i = 0; i < 5; i++) { const s = performance.now(); const r = await fetch(url); await r.arrayBuffer(); warm.push(performance.now() - s) }
console.log(JSON.stringify({ importMs: t1 - t0, firstRequestMs: t3 - t2, status: first.status, warmMs: warm.sort((a, b) => a - b)[2] }))
server.closeAllConnections(); server.close(); await mod.entry.gateway?.close(); process.exit(0)
`

const mongo = values.mongo === undefined ? await startLocalMongo() : undefined
const mongoUri = values.mongo ?? mongo!.uri
const legacy = http.createServer((_req, res) => res.end('ok'))
await new Promise<void>((resolve) => legacy.listen(0, '127.0.0.1', resolve))
const legacyUrl = `http://127.0.0.1:${(legacy.address() as AddressInfo).port}`

function runChild(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { cwd: root, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('exit', (status) => resolve({ status, stdout, stderr }))
  })
}

const samples: Array<{ importMs: number; firstRequestMs: number; status: number; warmMs: number; processMs: number }> = []
for (let run = 0; run < Number(values.runs); run++) {
  const started = performance.now()
  // The parent must keep its event loop free (the stand-in legacy app runs here), hence async spawn.
  const result = await runChild({
    ...process.env,
    MONGODB_URI: mongoUri,
    MONGODB_DB: 'cold_start',
    LEGACY_URL: legacyUrl,
    SECRET_KEY: 'cold-start-measurement',
    LOG_LEVEL: 'silent',
  })
  if (result.status !== 0) throw new Error(`run ${run} failed:\n${result.stderr}`)
  samples.push({ ...JSON.parse(result.stdout.trim().split('\n').at(-1)!), processMs: performance.now() - started })
}

const stat = (key: keyof (typeof samples)[number]) => {
  const sorted = samples.map((s) => s[key]).sort((a, b) => a - b)
  return { median: Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10, min: Math.round(sorted[0]! * 10) / 10, max: Math.round(sorted.at(-1)! * 10) / 10 }
}
console.log(`node ${process.version}, ${samples.length} cold processes, first request: GET ${values.path} (status ${samples[0]!.status})`)
console.table({
  'import api/index.ts (module scope: config, gateway, MongoClient)': stat('importMs'),
  'first request (lazy MongoDB connect + handler)': stat('firstRequestMs'),
  'warm request (median of 5)': stat('warmMs'),
  'whole process (spawn to exit)': stat('processMs'),
})

legacy.close()
await mongo?.stop()
