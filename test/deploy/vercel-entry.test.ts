/**
 * The Vercel entry (api/index.ts) in-process: its default export, a Node request listener, mounted on a
 * plain node:http server (which is what Vercel's Node runtime hands it), in front of the real legacy app
 * and a real MongoDB-wire server.
 */
import http, { type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { login } from '../support/login.js'
import { connectTestDb } from '../support/mongo.js'

type EntryModule = typeof import('../../api/index.js')

let legacy: LegacyApp
let testDb: Awaited<ReturnType<typeof connectTestDb>>
let entryModule: EntryModule
let server: Server
let base: string
const SECRET = 'vercel-entry-test-secret'

beforeAll(async () => {
  testDb = await connectTestDb('deploy_vercel')
  await seed(testDb.db)
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: SECRET })
  // The entry reads process.env once, at import, as it does on Vercel.
  Object.assign(process.env, {
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: testDb.db.databaseName,
    LEGACY_URL: legacy.url,
    SECRET_KEY: SECRET,
    LOG_LEVEL: 'silent',
  })
  entryModule = await import('../../api/index.js')
  server = http.createServer((req, res) => void entryModule.default(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  await entryModule?.entry.gateway?.close()
  await legacy?.stop()
  await testDb?.drop()
})

describe('api/index.ts on a node:http server', () => {
  it('answers its own /healthz', async () => {
    const res = await fetch(`${base}/healthz`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-gateway-upstream')).toBe('gateway')
  })

  it('proxies a legacy page, and a form POST (request body streamed through) that logs in', async () => {
    const page = await fetch(`${base}/login`)
    expect(page.status).toBe(200)
    expect(page.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(await page.text()).toMatch(/<form/i)
    // login() POSTs the form through the gateway: only the legacy app can set this cookie.
    const cookie = await login(base)
    expect(cookie).toMatch(/session=/)
  })

  it('serves the migrated GET /api/dashboard itself, for a session made by the legacy app', async () => {
    const cookie = await login(legacy.url)
    const res = await fetch(`${base}/api/dashboard`, { headers: { cookie } })
    expect(res.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    const direct = (await (await fetch(`${legacy.url}/api/dashboard`, { headers: { cookie } })).json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(Object.keys(direct).sort())
  })

  it('builds the gateway once per instance and reuses its MongoClient across invocations', async () => {
    const gateway = entryModule.entry.gateway!
    expect(gateway).toBeDefined()
    expect((await fetch(`${base}/readyz`)).status).toBe(200) // MongoDB reached: the pool exists now
    let pools = 0
    gateway.mongo.client.on('connectionPoolCreated', () => pools++)
    for (let i = 0; i < 5; i++) expect((await fetch(`${base}/readyz`)).status).toBe(200)
    expect(pools).toBe(0) // later invocations reuse that pool; nothing is reconnected per request
    expect((await import('../../api/index.js')).entry.gateway).toBe(gateway)
  })
})

describe('api/index.ts creates what the code needs', () => {
  it('creates the indexes once per cold start, without a request waiting for it: the TTL of idempotency keys too', async () => {
    const names = async (collection: string) =>
      (await testDb.db.collection(collection).listIndexes().toArray().catch(() => [])).map((index) => `${index.name}:${index.expireAfterSeconds ?? ''}`)
    const deadline = Date.now() + 20_000
    let keys: string[] = []
    let items: string[] = []
    while (Date.now() < deadline) {
      ;[keys, items] = await Promise.all([names('idempotency_keys'), names('itens')])
      if (keys.includes('ttl_criado_em:86400') && items.includes('pendentes_id:')) break
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(keys).toContain('ttl_criado_em:86400')
    expect(items).toContain('pendentes_id:')
    expect(await names('movimentacoes')).toContain('data_desc_id_desc:')
  })
})

describe('api/index.ts with a broken configuration', () => {
  it('answers 500 naming the settings to fix (never their values) instead of crashing the import', async () => {
    const { createVercelEntry } = entryModule
    const stderr = process.stderr.write.bind(process.stderr)
    let logged = ''
    process.stderr.write = ((chunk: string) => ((logged += chunk), true)) as typeof process.stderr.write
    let entry
    try {
      entry = createVercelEntry({ MONGODB_URI: 'postgres://nope', LEGACY_URL: 'not a url' })
    } finally {
      process.stderr.write = stderr
    }
    expect(entry.gateway).toBeUndefined()
    expect(logged).toContain('Invalid configuration')
    const broken = http.createServer((req, res) => void entry.listener(req, res))
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve))
    try {
      const res = await fetch(`http://127.0.0.1:${(broken.address() as AddressInfo).port}/anything`)
      expect(res.status).toBe(500)
      const body = (await res.json()) as { error: string; settings: string[] }
      expect(body.error).toBe('gateway_misconfigured')
      expect(body.settings.sort()).toEqual(['LEGACY_URL', 'MONGODB_URI', 'SECRET_KEY'])
      expect(JSON.stringify(body)).not.toContain('postgres://nope')
    } finally {
      broken.closeAllConnections()
      await new Promise((resolve) => broken.close(resolve))
    }
  })
})
