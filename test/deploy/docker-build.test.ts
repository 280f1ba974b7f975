/**
 * The Docker image without a Docker engine: the Dockerfile's structure, hadolint, and its build and start
 * steps EXECUTED outside Docker (test/deploy/support/dockerfile.ts): `npm ci` + `npm run build` in a
 * clean copy of the build context, `npm ci --omit=dev` for the runtime's node_modules, then the runtime
 * stage's CMD (`node dist/gateway/server.js`, the production build) serving /healthz and a proxied page,
 * its HEALTHCHECK command, the compose seeder stage, and graceful shutdown on SIGTERM.
 * Not reproduced: the base image (the host's Node runs everything) and the non-root USER.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { freePort } from '../../scripts/dev/ports.js'
import { connectTestDb } from '../support/mongo.js'
import { buildStages, execForm, parseDockerfile, parseHealthcheck, type StageResult } from './support/dockerfile.js'
import { ensureHadolint } from './support/hadolint.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dockerfile = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))
const stage = (name: string) => dockerfile.stages.find((s) => s.name === name)!
const args = (name: string, keyword: string) => stage(name).instructions.filter((i) => i.keyword === keyword).map((i) => i.args)

describe('Dockerfile structure', () => {
  const runtime = dockerfile.stages.at(-1)!

  it('is multi-stage: build (npm ci + npm run build), production deps (npm ci --omit=dev), slim runtime', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'seed', 'deps', 'runtime'])
    expect(args('build', 'RUN')).toEqual(['npm ci --no-audit --no-fund', 'npm run build'])
    expect(args('deps', 'RUN').join(' ')).toMatch(/^npm ci --omit=dev /)
    expect(runtime.name).toBe('runtime')
    expect(runtime.from).toBe(`node:${dockerfile.globalArgs.NODE_VERSION}-bookworm-slim`)
    expect(Number(dockerfile.globalArgs.NODE_VERSION)).toBeGreaterThanOrEqual(24) // an LTS line still supported
    // The runtime installs nothing and takes only the compiled code and the production node_modules.
    expect(args('runtime', 'RUN')).toEqual([])
    expect(args('runtime', 'COPY')).toEqual([
      'package.json ./',
      '--from=deps /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
    ])
  })

  it('runs as a non-root numeric user, exposes 3000, checks /healthz with node, exec-form CMD', () => {
    const [user] = args('runtime', 'USER')
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/)
    expect(args('runtime', 'EXPOSE')).toEqual(['3000'])
    const [healthcheck] = args('runtime', 'HEALTHCHECK')
    const { command } = parseHealthcheck(healthcheck!)
    expect(command.slice(0, 2)).toEqual(['node', '-e'])
    expect(command[2]).toContain('/healthz')
    expect(execForm(args('runtime', 'CMD')[0]!)).toEqual(['node', 'dist/gateway/server.js'])
    expect(args('runtime', 'STOPSIGNAL')).toEqual(['SIGTERM'])
  })

  it('passes hadolint (gateway image and the compose legacy-app image)', () => {
    const hadolint = ensureHadolint(root)
    for (const file of ['Dockerfile', 'deploy/legacy-app.Dockerfile']) {
      const result = spawnSync(hadolint, ['--no-color', file], { cwd: root, encoding: 'utf8' })
      expect(`${file}: ${result.stdout}${result.stderr}`.trim()).toBe(`${file}:`)
      expect(result.status).toBe(0)
    }
  })
})

type Started = { url: string; child: ChildProcess; output: () => string; exited: Promise<number | null> }

function startCmd(runtime: StageResult, env: Record<string, string>): Promise<Started> & { port?: number } {
  return (async () => {
    const port = await freePort()
    const [command, ...rest] = runtime.cmd!
    expect(command).toBe('node')
    const child = spawn(process.execPath, rest, {
      cwd: path.join(runtime.root, runtime.workdir),
      env: { PATH: process.env.PATH ?? '', ...runtime.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    process.once('exit', () => child.kill('SIGKILL'))
    const url = `http://127.0.0.1:${port}`
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`gateway exited early:\n${output}`)
      if (attempt > 200) throw new Error(`gateway never became healthy:\n${output}`)
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false)
      if (ok) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return { url, child, output: () => output, exited }
  })()
}

function refusesConnections(url: string): Promise<boolean> {
  const { port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(false)))
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
  })
}

/** A stand-in legacy app whose /slow response stays open until the test releases it. */
async function startHeldUpstream() {
  let held: ServerResponse | undefined
  let arrived!: () => void
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve))
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('started;')
      held = res
      arrived()
    } else {
      res.end('ok')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requestArrived,
    release: () => held?.end('done'),
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  }
}

/** GET through the gateway; resolves with what arrived and whether the response ended cleanly. */
function slowRequest(url: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve) => {
    http.get(`${url}/slow`, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, complete: res.complete }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body, complete: false }))
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, complete: false }))
    }).on('error', () => resolve({ status: 0, body: '', complete: false }))
  })
}

describe('Dockerfile executed outside Docker (production build)', () => {
  let work: string
  let stages: Map<string, StageResult>
  let runtime: StageResult
  let testDb: Awaited<ReturnType<typeof connectTestDb>>
  let legacy: LegacyApp
  const SECRET = 'docker-build-test-secret'

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'estoque-docker-'))
    // DEPLOY_TEST_CONTEXT: build another checkout (e.g. a `git worktree` of a commit) with this Dockerfile.
    const context = process.env.DEPLOY_TEST_CONTEXT ?? root
    stages = buildStages(dockerfile, {
      context,
      ignoreFile: path.join(context, '.dockerignore'),
      workRoot: work,
      targets: ['runtime', 'seed'],
    })
    runtime = stages.get('runtime')!
    testDb = await connectTestDb('deploy_docker')
  }, 300_000)

  afterAll(async () => {
    await legacy?.stop()
    await testDb?.drop()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('the seed stage seeds an empty database once, then leaves it alone (compose\'s one-shot seeder)', () => {
    const seedStage = stages.get('seed')!
    const [command, ...rest] = seedStage.cmd!
    expect(command).toBe('node')
    const run = () =>
      spawnSync(process.execPath, rest, {
        cwd: path.join(seedStage.root, seedStage.workdir),
        env: { PATH: process.env.PATH ?? '', ...seedStage.env, MONGODB_URI: inject('mongoUri'), MONGODB_DB: testDb.db.databaseName },
        encoding: 'utf8',
      })
    const first = run()
    expect(first.status, first.stderr).toBe(0)
    expect(first.stdout).toContain('seed-once: seeded')
    const second = run()
    expect(second.status, second.stderr).toBe(0)
    expect(second.stdout).toContain('leaving it as it is')
  }, 60_000)

  it('the runtime contains only production dependencies', () => {
    const list = spawnSync('npm', ['ls', '--omit=dev', '--depth=0', '--json'], { cwd: path.join(runtime.root, runtime.workdir), encoding: 'utf8' })
    const installed = Object.keys((JSON.parse(list.stdout) as { dependencies?: object }).dependencies ?? {})
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: object; devDependencies: object }
    expect(installed.sort()).toEqual(Object.keys(pkg.dependencies).sort())
    // Dev tools no production package needs (a devDependency like @types/node may be pulled in by one).
    for (const dev of ['typescript', 'tsx', 'vitest', '@vercel/build-utils']) {
      expect(Object.keys(pkg.devDependencies)).toContain(dev)
      expect(spawnSync('test', ['-e', path.join(runtime.root, runtime.workdir, 'node_modules', dev)]).status, dev).not.toBe(0)
    }
  })

  it('CMD serves /healthz and a proxied legacy page; the HEALTHCHECK command passes; SIGTERM exits 0', async () => {
    legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: SECRET })
    const gateway = await startCmd(runtime, {
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: testDb.db.databaseName,
      LEGACY_URL: legacy.url,
      SECRET_KEY: SECRET,
    })
    try {
      const health = await fetch(`${gateway.url}/healthz`)
      expect(health.status).toBe(200)
      const page = await fetch(`${gateway.url}/login`)
      expect(page.status).toBe(200)
      expect(page.headers.get('x-gateway-upstream')).toBe('legacy')
      expect(await page.text()).toMatch(/<form/i)

      const { command } = runtime.healthcheck!
      const check = spawnSync(process.execPath, command.slice(1), {
        env: { PATH: process.env.PATH ?? '', ...runtime.env, PORT: new URL(gateway.url).port },
        encoding: 'utf8',
      })
      expect(check.status, check.stderr).toBe(0)
    } finally {
      gateway.child.kill('SIGTERM')
    }
    expect(await gateway.exited).toBe(0)
    expect(gateway.output()).toContain('"msg":"stopped"')
    // ...and the same HEALTHCHECK fails once nothing listens (so it can fail).
    const down = spawnSync(process.execPath, runtime.healthcheck!.command.slice(1), {
      env: { PATH: process.env.PATH ?? '', PORT: new URL(gateway.url).port },
    })
    expect(down.status).toBe(1)
  }, 60_000)

  it('SIGTERM with a request in flight: new connections refused, the request completes, exit code 0', async () => {
    const upstream = await startHeldUpstream()
    const gateway = await startCmd(runtime, {
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: testDb.db.databaseName,
      LEGACY_URL: upstream.url,
      SECRET_KEY: SECRET,
      SHUTDOWN_TIMEOUT_MS: '30000',
    })
    try {
      const response = slowRequest(gateway.url)
      await upstream.requestArrived
      gateway.child.kill('SIGTERM')
      // Eventually refused (the listener closes right after the signal); the held request is still open.
      let refused = false
      for (let attempt = 0; attempt < 200 && !refused; attempt++) {
        refused = await refusesConnections(gateway.url)
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      expect(refused).toBe(true)
      expect(gateway.child.exitCode).toBeNull() // still draining
      upstream.release()
      expect(await response).toEqual({ status: 200, body: 'started;done', complete: true })
      expect(await gateway.exited).toBe(0)
      expect(gateway.output()).toContain('shutting down: draining in-flight requests')
    } finally {
      gateway.child.kill('SIGKILL')
      await upstream.close()
    }
  }, 60_000)

  it('past SHUTDOWN_TIMEOUT_MS the in-flight request is cut and the process still exits 0', async () => {
    const upstream = await startHeldUpstream()
    const gateway = await startCmd(runtime, {
      MONGODB_URI: inject('mongoUri'),
      MONGODB_DB: testDb.db.databaseName,
      LEGACY_URL: upstream.url,
      SECRET_KEY: SECRET,
      SHUTDOWN_TIMEOUT_MS: '300',
    })
    try {
      const response = slowRequest(gateway.url)
      await upstream.requestArrived
      gateway.child.kill('SIGTERM')
      // The upstream is never released: only the budget can end this.
      expect(await gateway.exited).toBe(0)
      const cut = await response
      expect(cut.complete).toBe(false)
      expect(cut.body).not.toContain('done')
    } finally {
      gateway.child.kill('SIGKILL')
      await upstream.close()
    }
  }, 60_000)
})
