// 50 concurrent saídas of 1 against a stock of 20, through the gateway — with the plain path, with a spelling
// Werkzeug routes to the same view (`/api/%6dovimentacoes`), and authenticated only by Flask-Login's
// remember_token cookie — and, for comparison, through the legacy app.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ObjectId, type Db } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { TEST_SECRET_KEY } from '../../scripts/dev/gateway-process.js'
import { encodeRememberCookie } from '../../compat/flask/login.js'
import { useTestStack } from '../support/stack.js'

// Four sync workers: the legacy app's usual production setting, and enough to interleave requests.
const stack = useTestStack({ prefix: 'concurrency', seed: (db) => seed(db, { items: 10, movements: 10 }), legacy: { workers: 4 } })

const CONCURRENT = 50
const STOCK = 20

/** A fresh active item holding exactly STOCK units, so each run starts from the same state. */
async function freshItem(db: Db, codigo: string): Promise<ObjectId> {
  const _id = new ObjectId()
  const now = new Date()
  await db.collection('itens').insertOne({
    _id, codigo, nome: `Item de corrida ${codigo}`, categoria: 'Testes', subcategoria: 'Concorrência', unidade: 'un',
    quantidade: STOCK, estoque_minimo: 0, ativo: true, criado_em: now, atualizado_em: now,
  })
  return _id
}

async function race(baseUrl: string, itemId: ObjectId, options: { path?: string; cookie?: string } = {}) {
  const send = () =>
    fetch(`${baseUrl}${options.path ?? '/api/movimentacoes'}`, {
      method: 'POST',
      headers: { cookie: options.cookie ?? stack().cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ item_id: String(itemId), tipo: 'saida', quantidade: 1 }),
    }).then(async (response) => ({
      status: response.status,
      upstream: response.headers.get('x-gateway-upstream'),
      body: (await response.json()) as Record<string, unknown>,
    }))
  const results = await Promise.all(Array.from({ length: CONCURRENT }, send))
  const item = await stack().db.collection('itens').findOne({ _id: itemId })
  const movements = await stack().db.collection('movimentacoes').countDocuments({ item_id: itemId })
  return {
    created: results.filter((result) => result.status === 201).length,
    refused: results.filter((result) => result.status === 400 && result.body.erro === 'Estoque insuficiente').length,
    other: results.filter((result) => result.status !== 201 && !(result.status === 400 && result.body.erro === 'Estoque insuficiente')),
    finalStock: item!.quantidade as number,
    movements,
    upstreams: [...new Set(results.map((result) => result.upstream))],
  }
}

const DEMO_ID = '5e0be1000100000000000001'

describe(`${CONCURRENT} concurrent saídas of 1 against a stock of ${STOCK}`, () => {
  it('through the gateway: exactly 20 succeed, the rest get the legacy error, stock 0, 20 movements', async () => {
    const outcome = await race(stack().gateway.url, await freshItem(stack().db, 'RACE-GW'))
    expect(outcome.other).toEqual([])
    expect(outcome.created).toBe(STOCK)
    expect(outcome.refused).toBe(CONCURRENT - STOCK)
    expect(outcome.finalStock).toBe(0)
    expect(outcome.movements).toBe(STOCK)
    expect(outcome.upstreams).toEqual(['gateway'])
  })

  const spellings = [
    ['POST /api/%6dovimentacoes (a spelling Werkzeug routes to the same view)', 'RACE-GW-ENCODED', { path: '/api/%6dovimentacoes' }],
    ['authenticated only by a remember_token cookie', 'RACE-GW-REMEMBER', { cookie: `remember_token=${encodeRememberCookie(DEMO_ID, TEST_SECRET_KEY)}` }],
  ] as const
  it.each(spellings)('through the gateway, %s: exactly 20 created, 30 refused, stock 0, all answered by the gateway', async (_label, codigo, options) => {
    const outcome = await race(stack().gateway.url, await freshItem(stack().db, codigo), options)
    expect(outcome.other).toEqual([])
    expect(outcome.created).toBe(STOCK)
    expect(outcome.refused).toBe(CONCURRENT - STOCK)
    expect(outcome.finalStock).toBe(0)
    expect(outcome.movements).toBe(STOCK)
    expect(outcome.upstreams).toEqual(['gateway'])
  })

  it('against the legacy app: its read-modify-write result is recorded (expected to lose updates)', async () => {
    const outcome = await race(stack().legacy.url, await freshItem(stack().db, 'RACE-LEGACY'))
    // Every answer is still one of the two legal ones, whatever the interleaving...
    expect(outcome.other).toEqual([])
    expect(outcome.created + outcome.refused).toBe(CONCURRENT)
    // ...and the ledger explains the stock only if no update was lost.
    const lostUpdates = outcome.created - (STOCK - outcome.finalStock)
    expect(outcome.movements).toBe(outcome.created)
    const report = { at: new Date().toISOString(), workers: 4, ...outcome, lostUpdates, other: undefined, upstreams: undefined }
    mkdirSync(path.join(process.cwd(), 'test-results'), { recursive: true })
    writeFileSync(path.join(process.cwd(), 'test-results', 'legacy-concurrency.json'), `${JSON.stringify(report, null, 2)}\n`)
    console.log(`legacy app under ${CONCURRENT} concurrent saídas: ${JSON.stringify(report)}`)
  })
})
