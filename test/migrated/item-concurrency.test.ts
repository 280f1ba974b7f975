// Item writes racing movements on the same item, through the gateway and, for comparison, the legacy app:
// a PUT never clobbers `quantidade`; a DELETE (deactivation) racing saídas leaves a stock the ledger
// explains. The invariant: stock = starting stock + the effect of the recorded movements, never negative,
// every acknowledged movement recorded.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ObjectId, type Db } from 'mongodb'
import { afterAll, describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'item_concurrency', seed: (db) => seed(db, { items: 10, movements: 10 }), legacy: { workers: 4 } })

afterAll(() => {
  mkdirSync(path.join(process.cwd(), 'test-results'), { recursive: true })
  writeFileSync(path.join(process.cwd(), 'test-results', 'item-concurrency.json'), `${JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2)}\n`)
})

const report: Record<string, unknown> = {}

async function freshItem(db: Db, codigo: string, quantidade: number): Promise<ObjectId> {
  const _id = new ObjectId()
  const now = new Date()
  await db.collection('itens').insertOne({
    _id, codigo, nome: `Corrida ${codigo}`, categoria: 'Testes', subcategoria: 'Concorrência', unidade: 'un',
    quantidade, estoque_minimo: 0, ativo: true, criado_em: now, atualizado_em: now,
  })
  return _id
}

type Sent = { kind: string; status: number; body: Record<string, unknown>; upstream: string | null }

async function send(baseUrl: string, kind: string, method: string, path: string, body?: unknown): Promise<Sent> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { cookie: stack().cookie, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { kind, status: response.status, body: (await response.json()) as Record<string, unknown>, upstream: response.headers.get('x-gateway-upstream') }
}

const movement = (baseUrl: string, itemId: ObjectId, tipo: 'entrada' | 'saida') =>
  send(baseUrl, tipo, 'POST', '/api/movimentacoes', { item_id: String(itemId), tipo, quantidade: 1 })

/** What the database says about an item after a run: its stock and what its movements explain. */
async function ledger(itemId: ObjectId, start: number) {
  const item = (await stack().db.collection('itens').findOne({ _id: itemId }))!
  const movements = await stack().db.collection('movimentacoes').find({ item_id: itemId }).toArray()
  const effect = movements.reduce((sum, m) => sum + (m.tipo === 'entrada' ? Number(m.quantidade) : -Number(m.quantidade)), 0)
  const negative = movements.filter((m) => Number(m.estoque_posterior) < 0).length
  return { item, movements: movements.length, explained: start + effect, stock: Number(item.quantidade), negative }
}

// Each side: 25 entradas, 25 saídas and 25 PUTs (name and minimum) of one item, all at once.
const ROUND = 25

async function putRace(baseUrl: string, codigo: string) {
  const start = 30
  const itemId = await freshItem(stack().db, codigo, start)
  const requests: Promise<Sent>[] = []
  for (let i = 0; i < ROUND; i++) {
    requests.push(movement(baseUrl, itemId, 'entrada'))
    requests.push(send(baseUrl, 'put', 'PUT', `/api/estoque/itens/${itemId}`, { nome: `Renomeado ${i}`, estoque_minimo: i }))
    requests.push(movement(baseUrl, itemId, 'saida'))
  }
  const results = await Promise.all(requests)
  const book = await ledger(itemId, start)
  const ok = (kind: string) => results.filter((r) => r.kind === kind && r.status === (kind === 'put' ? 200 : 201)).length
  return { results, book, acknowledged: { entradas: ok('entrada'), saidas: ok('saida'), puts: ok('put') } }
}

async function deleteRace(baseUrl: string, codigo: string) {
  const start = 20
  const itemId = await freshItem(stack().db, codigo, start)
  const saidas = Array.from({ length: 15 }, () => movement(baseUrl, itemId, 'saida'))
  const deletion = send(baseUrl, 'delete', 'DELETE', `/api/estoque/itens/${itemId}`)
  saidas.push(...Array.from({ length: 15 }, () => movement(baseUrl, itemId, 'saida')))
  const [deleted, ...results] = await Promise.all([deletion, ...saidas])
  // After the deactivation was acknowledged, a saída is refused.
  const after = await movement(baseUrl, itemId, 'saida')
  const book = await ledger(itemId, start)
  return { deleted: deleted!, results, after, book, created: results.filter((r) => r.status === 201).length }
}

describe('an item PUT racing entradas and saídas on the same item', () => {
  it('through the gateway: every write acknowledged, quantidade never clobbered, the ledger explains the stock', async () => {
    const { results, book, acknowledged } = await putRace(stack().gateway.url, 'PUT-RACE-GW')
    expect(results.filter((r) => r.upstream !== 'gateway')).toEqual([])
    expect(results.filter((r) => r.status !== 200 && r.status !== 201)).toEqual([])
    expect(acknowledged).toEqual({ entradas: ROUND, saidas: ROUND, puts: ROUND })
    expect(book.movements).toBe(2 * ROUND)
    expect(book.stock).toBe(book.explained)
    expect(book.stock).toBe(30)
    expect(book.negative).toBe(0)
    // Every PUT answered the item as stored right after it: its own name, and a stock the ledger allows.
    for (const put of results.filter((r) => r.kind === 'put')) {
      expect(put.body.nome).toMatch(/^Renomeado \d+$/)
      expect(put.body.quantidade as number).toBeGreaterThanOrEqual(30 - ROUND)
      expect(put.body.quantidade as number).toBeLessThanOrEqual(30 + ROUND)
    }
    expect(book.item.nome).toMatch(/^Renomeado \d+$/)
    report.putRaceGateway = { acknowledged, ...book, item: undefined }
  })

  it('against the legacy app: its result is recorded (its movements lose updates; its PUT $sets no stock)', async () => {
    const { results, book, acknowledged } = await putRace(stack().legacy.url, 'PUT-RACE-LEGACY')
    expect(results.filter((r) => r.status !== 200 && r.status !== 201 && r.body.erro !== 'Estoque insuficiente')).toEqual([])
    const lostUpdates = book.explained - book.stock
    report.putRaceLegacy = { acknowledged, ...book, item: undefined, lostOrPhantomUnits: lostUpdates }
    console.log(`legacy app, PUT racing movements: ${JSON.stringify(report.putRaceLegacy)}`)
    expect(book.movements).toBe(acknowledged.entradas + acknowledged.saidas)
  })
})

describe('a DELETE (deactivation) racing saídas on the same item', () => {
  it('through the gateway: the stock is what the recorded saídas left, and saídas after it are refused', async () => {
    const { deleted, results, after, book, created } = await deleteRace(stack().gateway.url, 'DEL-RACE-GW')
    expect(deleted).toMatchObject({ status: 200, body: { ok: true }, upstream: 'gateway' })
    const refused = results.filter((r) => r.status !== 201)
    expect(refused.filter((r) => !(r.status === 400 && (r.body.erro === 'Item inativo' || r.body.erro === 'Estoque insuficiente')))).toEqual([])
    expect(after).toMatchObject({ status: 400, body: { erro: 'Item inativo' } })
    expect(created).toBeLessThanOrEqual(20)
    expect(book.movements).toBe(created)
    expect(book.stock).toBe(book.explained)
    expect(book.stock).toBe(20 - created)
    expect(book.negative).toBe(0)
    expect(book.item.ativo).toBe(false)
    report.deleteRaceGateway = { created, refusedInactive: refused.filter((r) => r.body.erro === 'Item inativo').length, ...book, item: undefined }
  })

  it('against the legacy app: its result is recorded', async () => {
    const { deleted, results, after, book, created } = await deleteRace(stack().legacy.url, 'DEL-RACE-LEGACY')
    expect(deleted.status).toBe(200)
    expect(after.status).toBe(400)
    expect(book.item.ativo).toBe(false)
    report.deleteRaceLegacy = {
      created,
      refusedInactive: results.filter((r) => r.body.erro === 'Item inativo').length,
      ...book,
      item: undefined,
      lostUpdates: book.stock - book.explained,
    }
    console.log(`legacy app, DELETE racing saídas: ${JSON.stringify(report.deleteRaceLegacy)}`)
  })
})
