// What the edge decides before the legacy app sees anything: forwarding headers by trust, the admin
// endpoints in production, and error pages for browsers. Real gateway processes in front of the real
// gunicorn app (or of a port nobody listens on).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { connectTestDb } from '../support/mongo.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { freePort } from '../../scripts/dev/ports.js'
import { login } from '../support/login.js'
import { seed } from '../../scripts/seed/index.js'
import { expectLabelled, logLines, rawRequest } from './support.js'

const ADMIN_TOKEN = 'edge-test-admin-token-0123456789'

/** Several servers start at once on a loaded two-core machine: tsx compiles each gateway at start. */
const START_MS = 180_000

let testDb: Awaited<ReturnType<typeof connectTestDb>>
let legacy: LegacyApp
/** Production, defaults: no trusted proxy, no admin token. */
let production: GatewayProcess
/** Production behind one trusted proxy hop, with an admin token. */
let behindProxy: GatewayProcess
/** In front of a legacy app that is down. */
let orphan: GatewayProcess
let cookie: string

beforeAll(async () => {
  testDb = await connectTestDb('proxy_edge')
  await seed(testDb.db, { items: 5, movements: 5 })
  legacy = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: TEST_SECRET_KEY, workers: 1 })
  const base = { mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName }
  ;[production, behindProxy, orphan] = await Promise.all([
    startGateway({ healthTimeoutMs: START_MS, ...base, legacyUrl: legacy.url, env: { NODE_ENV: 'production' } }),
    startGateway({ healthTimeoutMs: START_MS, ...base, legacyUrl: legacy.url, env: { NODE_ENV: 'production', TRUST_PROXY: '1', ADMIN_TOKEN } }),
    startGateway({ healthTimeoutMs: START_MS, ...base, legacyUrl: `http://127.0.0.1:${await freePort()}`, env: { LEGACY_CONNECT_TIMEOUT_MS: '500' } }),
  ])
  cookie = await login(production.url)
})

afterAll(async () => {
  await Promise.all([production?.stop(), behindProxy?.stop(), orphan?.stop()])
  await legacy?.stop()
  await testDb?.drop()
})

type Echo = { headers: Array<[string, string]>; remote_addr: string; scheme: string }
const echoHeader = (echo: Echo, name: string) => echo.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value)

const SPOOFED = {
  'x-forwarded-for': '6.6.6.6, 203.0.113.7',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-port': '8443',
  forwarded: 'for=6.6.6.6;proto=https;host=evil.example',
  'x-real-ip': '6.6.6.6',
  'x-request-id': 'spoofed-request-id-0001',
}

describe('forwarding headers by trust', () => {
  it('from an untrusted client (TRUST_PROXY unset) none of them reach the legacy app; the gateway states its own', async () => {
    const response = await rawRequest(production.url, { target: '/api/diagnostico/requisicao', headers: { cookie, ...SPOOFED } })
    expectLabelled(response, 'legacy')
    expect(response.status).toBe(200)
    // The client's request id is a claim too: the gateway picks its own.
    expect(response.headers['x-request-id']).not.toBe(SPOOFED['x-request-id'])
    const echo = JSON.parse(response.body.toString()) as Echo
    expect(echoHeader(echo, 'x-forwarded-for')).toEqual(['127.0.0.1'])
    expect(echoHeader(echo, 'x-forwarded-proto')).toEqual(['http'])
    expect(echoHeader(echo, 'x-forwarded-host')).toEqual([new URL(production.url).host])
    expect(echoHeader(echo, 'x-request-id')).toEqual([response.headers['x-request-id']])
    for (const name of ['x-forwarded-port', 'forwarded', 'x-real-ip']) expect(echoHeader(echo, name), name).toEqual([])
    // gunicorn trusts X-Forwarded-Proto from 127.0.0.1 (FORWARDED_ALLOW_IPS): Flask now sees the real scheme.
    expect(echo.scheme).toBe('http')
  })

  it('behind one trusted hop (TRUST_PROXY=1) the client is the address that hop saw; what came before it is dropped', async () => {
    const response = await rawRequest(behindProxy.url, { target: '/api/diagnostico/requisicao', headers: { cookie, ...SPOOFED } })
    expect(response.status).toBe(200)
    expect(response.headers['x-request-id']).toBe(SPOOFED['x-request-id'])
    const echo = JSON.parse(response.body.toString()) as Echo
    // The chain as the legacy app sees it: the client the trusted hop saw, then the hop (the peer).
    expect(echoHeader(echo, 'x-forwarded-for')).toEqual(['203.0.113.7,127.0.0.1'])
    expect(echoHeader(echo, 'x-forwarded-proto')).toEqual(['https'])
    expect(echoHeader(echo, 'x-real-ip')).toEqual(['6.6.6.6'])
    expect(echoHeader(echo, 'forwarded')).toEqual([SPOOFED.forwarded])
    expect(echoHeader(echo, 'x-forwarded-port')).toEqual(['8443'])
    // X-Forwarded-Host is always the Host this hop received.
    expect(echoHeader(echo, 'x-forwarded-host')).toEqual([new URL(behindProxy.url).host])
  })
})

describe('admin endpoints', () => {
  it('in production without ADMIN_TOKEN, /_gateway/* and /metrics answer 404, and start-up says so', async () => {
    for (const target of ['/_gateway/status', '/metrics', '/_gateway/anything']) {
      const response = await rawRequest(production.url, { target })
      expect(response.status, target).toBe(404)
      expect(response.headers['x-gateway-upstream']).toBe('gateway')
      expect(response.body.toString()).not.toMatch(/gateway_|uptimeSeconds/)
    }
    const warning = logLines(production.output()).find((line) => String(line.msg).startsWith('admin endpoints off'))
    expect(warning).toMatchObject({ level: 40 })
  })

  it('in production with ADMIN_TOKEN they need the bearer token', async () => {
    expect((await rawRequest(behindProxy.url, { target: '/metrics' })).status).toBe(401)
    const metrics = await rawRequest(behindProxy.url, { target: '/metrics', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    expect(metrics.status).toBe(200)
    expect(metrics.body.toString()).toContain('gateway_legacy_in_flight')
  })
})

describe('browser-friendly errors', () => {
  it('a navigation that fails with 502 gets a small Portuguese HTML page, same status and label', async () => {
    const response = await rawRequest(orphan.url, {
      target: '/estoque/',
      headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
    })
    expect(response.status).toBe(502)
    expectLabelled(response, 'legacy')
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    const page = response.body.toString()
    expect(page).toContain('<html lang="pt-BR">')
    expect(page).toContain('Sistema indisponível')
    expect(page).toContain(String(response.headers['x-request-id']))
  })

  it('API calls and non-HTML clients keep the JSON body', async () => {
    for (const request of [
      { target: '/api/diagnostico/requisicao', headers: { accept: 'text/html' } },
      { target: '/estoque/', headers: { accept: '*/*' } },
      { target: '/estoque/', headers: {} },
    ]) {
      const response = await rawRequest(orphan.url, request)
      expect(response.status).toBe(502)
      expectLabelled(response, 'legacy')
      expect(response.headers['content-type']).toBe('application/json')
      expect(JSON.parse(response.body.toString())).toEqual({ erro: 'Sistema legado indisponível', requestId: response.headers['x-request-id'] })
    }
  })
})
