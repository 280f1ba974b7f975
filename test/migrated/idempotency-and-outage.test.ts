// POST /api/movimentacoes with Idempotency-Key, and MongoDB outages, against the real gateway process.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { login } from '../support/login.js'
import { freePort } from '../../scripts/dev/ports.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'idempotency', seed: (db) => seed(db, { items: 20, movements: 50 }) })

let offline: GatewayProcess
let itemId: string

beforeAll(async () => {
  const item = await stack().db.collection('itens').findOne({ ativo: true })
  itemId = String(item!._id)
  // Same session secret, but a MongoDB that is not there; no fallback to the legacy app for GETs, so the
  // gateway's own answer is what the client sees.
  const routesFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'outage-')), 'routes.json')
  const off = { fallback: false }
  writeFileSync(routesFile, JSON.stringify({ routes: { 'estoque-hierarquia': off, 'movimentacoes-list': off, dashboard: off } }))
  offline = await startGateway({
    mongoUri: `mongodb://127.0.0.1:${await freePort()}`,
    dbName: 'x',
    legacyUrl: stack().legacy.url,
    env: { ROUTES_FILE: routesFile },
  })
})

afterAll(async () => {
  await offline?.stop()
})

const movementCount = () => stack().db.collection('movimentacoes').countDocuments()

function post(body: unknown, key?: string, base = stack().gateway.url) {
  const headers: Record<string, string> = { cookie: stack().cookie, 'content-type': 'application/json' }
  if (key !== undefined) headers['idempotency-key'] = key
  return fetch(`${base}/api/movimentacoes`, { method: 'POST', headers, body: JSON.stringify(body) })
}

describe('Idempotency-Key', () => {
  it('replays the first answer and creates nothing the second time', async () => {
    const body = { item_id: itemId, tipo: 'entrada', quantidade: 2 }
    const before = await movementCount()
    const first = await post(body, 'key-replay-1')
    const firstText = await first.text()
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const second = await post(body, 'key-replay-1')
    expect(second.status).toBe(201)
    expect(second.headers.get('idempotent-replayed')).toBe('true')
    expect(second.headers.get('content-type')).toBe('application/json')
    expect(await second.text()).toBe(firstText)
    expect(await movementCount()).toBe(before + 1)
  })

  it('replays error answers too (no write either way)', async () => {
    const body = { item_id: itemId, tipo: 'saida', quantidade: 1e12 }
    const first = await post(body, 'key-error-1')
    const second = await post(body, 'key-error-1')
    expect([first.status, second.status]).toEqual([400, 400])
    expect(await second.json()).toEqual(await first.json())
  })

  it('refuses the same key with another body (422)', async () => {
    expect((await post({ item_id: itemId, tipo: 'entrada', quantidade: 1 }, 'key-mismatch')).status).toBe(201)
    const other = await post({ item_id: itemId, tipo: 'entrada', quantidade: 3 }, 'key-mismatch')
    expect(other.status).toBe(422)
    expect(await other.json()).toEqual({ erro: 'Chave de idempotência reutilizada com outro conteúdo' })
  })

  it('scopes keys per user: the key of another session is a new key', async () => {
    const antigo = await login(stack().legacy.url, 'antigo@estoque.local', 'antigo1234')
    const body = JSON.stringify({ item_id: itemId, tipo: 'entrada', quantidade: 1 })
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'key-shared' }
    const mine = await fetch(`${stack().gateway.url}/api/movimentacoes`, { method: 'POST', headers: { ...headers, cookie: stack().cookie }, body })
    const theirs = await fetch(`${stack().gateway.url}/api/movimentacoes`, { method: 'POST', headers: { ...headers, cookie: antigo }, body })
    expect([mine.status, theirs.status]).toEqual([201, 201])
    expect(theirs.headers.get('idempotent-replayed')).toBeNull()
  })

  it('lets exactly one of concurrent duplicates run (the others get 409 or the replay)', async () => {
    const body = { item_id: itemId, tipo: 'entrada', quantidade: 1 }
    const before = await movementCount()
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(body, 'key-concurrent')))
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true)
    expect(answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)).toHaveLength(1)
    expect(await movementCount()).toBe(before + 1)
  })

  it.each([['x'.repeat(256)], ['tab\there'], ['ção']])('refuses a malformed key %#', async (key) => {
    const answer = await post({ item_id: itemId, tipo: 'entrada', quantidade: 1 }, key)
    expect(answer.status).toBe(400)
    expect(await answer.json()).toEqual({ erro: 'Chave de idempotência inválida' })
  })

  it('keys expire through a 24 h TTL index', async () => {
    let ttl: number | undefined
    for (let i = 0; i < 50 && ttl === undefined; i++) {
      const indexes = await stack().db.collection('idempotency_keys').listIndexes().toArray().catch(() => [])
      ttl = indexes.find((index) => index.expireAfterSeconds !== undefined)?.expireAfterSeconds
      if (ttl === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(ttl).toBe(86_400)
  })
})

describe('Never a non-finite stock', () => {
  it('refuses an entrada that would overflow the stock to inf with 400 "Quantidade inválida" (the legacy stores inf)', async () => {
    const { ObjectId, Double } = await import('mongodb')
    const _id = new ObjectId()
    await stack().db.collection('itens').insertOne({ _id, codigo: 'HUGE-1', nome: 'Huge', quantidade: new Double(1.7e308), estoque_minimo: 0, ativo: true })
    const before = await movementCount()
    const answer = await post({ item_id: String(_id), tipo: 'entrada', quantidade: 1.7e308 })
    expect(answer.status).toBe(400)
    expect(await answer.json()).toEqual({ erro: 'Quantidade inválida' })
    expect((await stack().db.collection('itens').findOne({ _id }))!.quantidade).toBe(1.7e308)
    expect(await movementCount()).toBe(before)
  })
})

describe('MongoDB unavailable', () => {
  it.each([
    ['GET', '/api/dashboard'],
    ['GET', '/api/movimentacoes'],
    ['GET', '/api/estoque/hierarquia'],
    ['POST', '/api/movimentacoes'],
  ])('%s %s answers 503 JSON within 2 s', async (method, path) => {
    const started = Date.now()
    const answer = await fetch(`${offline.url}${path}`, {
      method,
      headers: { cookie: stack().cookie, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ item_id: itemId, tipo: 'entrada', quantidade: 1 }) : undefined,
    })
    expect(Date.now() - started).toBeLessThanOrEqual(2000)
    expect(answer.status).toBe(503)
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    expect(((await answer.json()) as { erro: string }).erro).toBe('Banco de dados indisponível')
  })
})

describe('OpenAPI document and Swagger UI (gateway-own endpoints)', () => {
  it('serves /openapi.json with the four migrated operations', async () => {
    const answer = await fetch(`${stack().gateway.url}/openapi.json`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('x-gateway-upstream')).toBe('gateway')
    const document = (await answer.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths['/api/movimentacoes'] ?? {}).sort()).toEqual(['get', 'post'])
    expect(Object.keys(document.paths['/api/estoque/hierarquia'] ?? {})).toEqual(['get'])
    expect(Object.keys(document.paths['/api/dashboard'] ?? {})).toEqual(['get'])
  })

  it('serves Swagger UI at /docs', async () => {
    const answer = await fetch(`${stack().gateway.url}/docs`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(await answer.text()).toContain('/openapi.json')
  })
})
