// Starting each contender of the benchmark on a free port, with its log in the bench's log directory.
import { spawnSync } from 'node:child_process'
import { writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../dev/ports.js'
import { startProcess, waitForUrl, type Proc } from './processes.js'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SECRET_KEY = 'bench-secret-key-not-for-production'

export type Running = { name: string; url: string; proc: Proc }

/**
 * The Node contenders run compiled JavaScript, as in production (`npm run build` + `node dist/...`): tsx
 * would add its loader, transform cache and esbuild service to every process's time and memory.
 */
const compiledDir = path.join(root, '.cache/bench/dist')
export function compileForBench(): void {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'scripts/bench/tsconfig.json')], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`bench: TypeScript build failed:\n${result.stdout}${result.stderr}`)
}
const compiled = (file: string) => path.join(compiledDir, file)
export type DbTarget = { uri: string; dbName: string }
type Ctx = { logDir: string }

const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8' })

/** (a) the legacy Flask app: gunicorn, sync workers, its own gunicorn.conf.py (access log on, like production). */
export async function startLegacy(ctx: Ctx, db: DbTarget, workers: number, label = `legacy-${workers}`): Promise<Running> {
  const port = await freePort()
  const proc = startProcess(label, path.join(root, '.venv/bin/gunicorn'), ['-c', 'gunicorn.conf.py', 'wsgi:app'], {
    cwd: path.join(root, 'test/legacy-app'),
    env: { ...baseEnv(), MONGODB_URI: db.uri, MONGODB_DB: db.dbName, SECRET_KEY, WEB_CONCURRENCY: String(workers), BIND: `127.0.0.1:${port}`, PYTHONDONTWRITEBYTECODE: '1' },
    logDir: ctx.logDir,
  })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/login`)
  return { name: label, url, proc }
}

/** (b) the seed's plan: FastAPI + pymongo.AsyncMongoClient under uvicorn (uvloop + httptools), N workers. */
export async function startFastApi(ctx: Ctx, db: DbTarget, workers: number, venv: string, label = `fastapi-${workers}`): Promise<Running> {
  const port = await freePort()
  const args = ['app:app', '--host', '127.0.0.1', '--port', String(port), '--workers', String(workers), '--no-access-log', '--log-level', 'warning']
  const proc = startProcess(label, path.join(venv, 'bin/uvicorn'), args, {
    cwd: path.join(root, 'scripts/bench/fastapi-plan'),
    env: { ...baseEnv(), MONGODB_URI: db.uri, MONGODB_DB: db.dbName, SECRET_KEY, PYTHONDONTWRITEBYTECODE: '1' },
    logDir: ctx.logDir,
  })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`)
  return { name: label, url, proc }
}

/** (c) the gateway (gateway/server.ts), WEB_CONCURRENCY processes, JSON request logs to its log file. */
/** `program`: another compiled entry run the same way (a reference for the profiler). */
export async function startGatewayProc(ctx: Ctx, db: DbTarget, legacyUrl: string, processes: number, env: Record<string, string> = {}, label = `gateway-${processes}`, nodeArgs: string[] = [], program = 'gateway/server.js'): Promise<Running> {
  const port = await freePort()
  const proc = startProcess(label, process.execPath, [...nodeArgs, compiled(program)], {
    cwd: root,
    env: {
      ...baseEnv(),
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      LEGACY_URL: legacyUrl,
      SECRET_KEY,
      WEB_CONCURRENCY: String(processes),
      LOG_LEVEL: 'info',
      ...env,
    },
    logDir: ctx.logDir,
  })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`, 60_000, (s) => s === 200)
  return { name: label, url, proc }
}

/** Framework-cost reference: bare node:http with the gateway's queries (scripts/bench/bare-node.ts). */
export async function startBare(ctx: Ctx, db: DbTarget, processes: number, label = `bare-node-${processes}`): Promise<Running> {
  const port = await freePort()
  const proc = startProcess(label, process.execPath, [compiled('scripts/bench/bare-node.js')], {
    cwd: root,
    env: { ...baseEnv(), NODE_ENV: 'production', PORT: String(port), MONGODB_URI: db.uri, MONGODB_DB: db.dbName, SECRET_KEY, WEB_CONCURRENCY: String(processes) },
    logDir: ctx.logDir,
  })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`)
  return { name: label, url, proc }
}

/**
 * Proxy-cost references: node:http in and out, nothing else (scripts/bench/bare-proxy.ts); or `library`:
 * http-proxy-middleware at its defaults, alone or under Hono (scripts/bench/library-proxy.ts).
 */
export async function startBareProxy(ctx: Ctx, upstream: string, label: string, library?: 'alone' | 'under-hono'): Promise<Running> {
  const port = await freePort()
  const proc = startProcess(label, process.execPath, [compiled(library ? 'scripts/bench/library-proxy.js' : 'scripts/bench/bare-proxy.js')], {
    cwd: root,
    env: { ...baseEnv(), NODE_ENV: 'production', PORT: String(port), UPSTREAM: upstream, UNDER_HONO: library === 'under-hono' ? 'on' : 'off' },
    logDir: ctx.logDir,
  })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/healthz`)
  return { name: label, url, proc }
}

/**
 * nginx (Debian package) as the reference proxy (`upstream` set) or as a trivial fast upstream (`body` set:
 * every request answered `200` with that body). Access log on for the proxy (like the gateway's request log).
 */
export async function startNginx(ctx: Ctx, name: string, workers: number, mode: { upstream: string } | { body: string }): Promise<Running> {
  const port = await freePort()
  const dir = path.join(ctx.logDir, `nginx-${name}`)
  mkdirSync(path.join(dir, 'tmp'), { recursive: true })
  const location =
    'upstream' in mode
      ? `location / {
        proxy_pass http://backend;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
      }`
      : `location / { default_type application/json; return 200 '${mode.body}'; }`
  const upstreamBlock = 'upstream' in mode ? `upstream backend { server ${mode.upstream.replace(/^http:\/\//, '')}; keepalive 128; }` : ''
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  ${'upstream' in mode ? `access_log ${dir}/access.log combined buffer=64k;` : 'access_log off;'}
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 1000000;
  ${upstreamBlock}
  server { listen 127.0.0.1:${port}; ${location} }
}
`
  writeFileSync(path.join(dir, 'nginx.conf'), conf)
  const proc = startProcess(`nginx-${name}`, '/usr/sbin/nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'error.log')], { env: baseEnv(), logDir: ctx.logDir })
  const url = `http://127.0.0.1:${port}`
  await waitForUrl(proc, `${url}/`, 20_000, () => true)
  return { name: `nginx-${name}`, url, proc }
}

/** Emulated network round trip between the apps and the database (scripts/bench/delay-relay.ts). */
export async function startRelay(ctx: Ctx, mongoPort: number, rttMs: number): Promise<{ port: number; proc: Proc }> {
  const port = await freePort()
  const proc = startProcess(`relay-${rttMs}ms`, process.execPath, [compiled('scripts/bench/delay-relay.js'), String(port), `127.0.0.1:${mongoPort}`, String(rttMs)], {
    cwd: root,
    env: baseEnv(),
    logDir: ctx.logDir,
  })
  const deadline = Date.now() + 20_000
  const net = await import('node:net')
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (ok) return { port, proc }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('delay relay did not start')
}
