// A CSV import setting the stock of items while saídas hit the same items, through the gateway and, for
// comparison, the legacy app. The invariant: every item's stock = its starting stock + the effect of its
// recorded movements (entradas, saídas and ajustes), never negative, every acknowledged saída recorded.
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ObjectId } from 'mongodb'
import { afterAll, describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'import_concurrency', seed: (db) => seed(db, { items: 10, movements: 10 }), legacy: { workers: 4 } })

afterAll(() => {
  mkdirSync(path.join(process.cwd(), 'test-results'), { recursive: true })
  writeFileSync(path.join(process.cwd(), 'test-results', 'import-concurrency.json'), `${JSON.stringify({ at: new Date().toISOString(), ...report }, null, 2)}\n`)
})

const report: Record<string, unknown> = {}

const ITEMS = 10
const START = 50
/**
 * Rows per item: 2,500 rows, five of the importer's batches of 500 (50 rows per item each). The rows of batch k
 * set 100 + k: every batch changes every stock, and the file ends at 104.
 */
const ROWS_PER_ITEM = 250
const BATCHES = 5
const FINAL = 100 + BATCHES - 1
const SAIDAS_PER_ITEM = 20

async function freshItems(prefix: string): Promise<Array<{ _id: ObjectId; codigo: string }>> {
  const now = new Date()
  const items = Array.from({ length: ITEMS }, (_, i) => ({ _id: new ObjectId(), codigo: `${prefix}-${String(i).padStart(2, '0')}` }))
  await stack().db.collection('itens').insertMany(items.map(({ _id, codigo }) => ({
    _id, codigo, nome: `Corrida ${codigo}`, categoria: 'Testes', subcategoria: 'Concorrência', unidade: 'un',
    quantidade: START, estoque_minimo: 0, ativo: true, criado_em: now, atualizado_em: now,
  })))
  return items
}

function importFile(items: Array<{ codigo: string }>): Buffer {
  let csv = 'codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo\r\n'
  for (let row = 0; row < ROWS_PER_ITEM; row++) {
    for (const { codigo } of items) csv += `${codigo},Corrida ${codigo},Testes,Concorrência,un,${100 + Math.floor(row / 50)},0\r\n`
  }
  return Buffer.from(csv)
}

type Answer = { status: number; body: Record<string, unknown>; upstream: string | null }

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, upstream: response.headers.get('x-gateway-upstream') }
}

async function race(baseUrl: string, prefix: string) {
  const items = await freshItems(prefix)
  const form = new FormData()
  form.append('arquivo', new Blob([importFile(items)], { type: 'text/csv' }), 'corrida.csv')
  const imported = fetch(`${baseUrl}/api/importar`, { method: 'POST', headers: { cookie: stack().cookie }, body: form }).then(answer)
  const saidas = items.flatMap(({ _id }) =>
    Array.from({ length: SAIDAS_PER_ITEM }, () =>
      fetch(`${baseUrl}/api/movimentacoes`, {
        method: 'POST',
        headers: { cookie: stack().cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ item_id: String(_id), tipo: 'saida', quantidade: 1 }),
      }).then(async (response) => ({ itemId: _id, ...(await answer(response)) })),
    ),
  )
  const [importAnswer, ...saidaAnswers] = await Promise.all([imported, ...saidas])
  const books = []
  for (const { _id, codigo } of items) {
    const item = (await stack().db.collection('itens').findOne({ _id }))!
    const movements = await stack().db.collection('movimentacoes').find({ item_id: _id }).toArray()
    const effect = movements.reduce((sum, m) => sum + Number(m.estoque_posterior) - Number(m.estoque_anterior), 0)
    books.push({
      codigo,
      stock: Number(item.quantidade),
      explained: START + effect,
      saidasAcknowledged: saidaAnswers.filter((s) => s.itemId.equals(_id) && s.status === 201).length,
      saidasRecorded: movements.filter((m) => m.tipo === 'saida').length,
      ajustesRecorded: movements.filter((m) => m.tipo === 'ajuste').length,
      negative: movements.filter((m) => Number(m.estoque_posterior) < 0).length + (Number(item.quantidade) < 0 ? 1 : 0),
      // Entries left pending (an empty array is possible only if a finisher died between its `$pull` and its tidy).
      pending: ((item.movimentacoes_pendentes ?? []) as unknown[]).length,
    })
  }
  const summary = {
    import: { status: importAnswer!.status, criados: importAnswer!.body.criados, atualizados: importAnswer!.body.atualizados, erros: (importAnswer!.body.erros as unknown[] | undefined)?.length },
    saidas: { acknowledged: saidaAnswers.filter((s) => s.status === 201).length, refused: saidaAnswers.filter((s) => s.status !== 201).length },
    itemsUnexplained: books.filter((b) => b.stock !== b.explained).length,
    unitsUnexplained: books.reduce((sum, b) => sum + Math.abs(b.stock - b.explained), 0),
    // The last batch sets 104 and at most 20 saídas follow: a final stock below 84 means a saída that read the
    // stock before the import wrote its own result over the import's.
    itemsWithImportOverwritten: books.filter((b) => b.stock < FINAL - SAIDAS_PER_ITEM).length,
    ajustesRecorded: books.reduce((sum, b) => sum + b.ajustesRecorded, 0),
    finalStocks: books.map((b) => b.stock),
  }
  return { importAnswer: importAnswer!, saidaAnswers, books, summary }
}

describe('a CSV import setting stocks while saídas hit the same items', () => {
  it('through the gateway: every stock is what its recorded movements (ajustes included) explain, none lost', { timeout: 180_000 }, async () => {
    const { importAnswer, saidaAnswers, books, summary } = await race(stack().gateway.url, 'IMP-RACE-GW')
    report.importRaceGateway = summary
    console.log(`gateway, import racing saídas: ${JSON.stringify(summary)}`)
    expect(importAnswer).toMatchObject({ status: 200, upstream: 'gateway', body: { criados: 0, atualizados: ITEMS * ROWS_PER_ITEM, erros: [] } })
    expect(saidaAnswers.filter((s) => s.upstream !== 'gateway' || s.status !== 201)).toEqual([])
    for (const book of books) {
      expect({ codigo: book.codigo, stock: book.stock }).toEqual({ codigo: book.codigo, stock: book.explained })
      expect(book.saidasRecorded).toBe(book.saidasAcknowledged)
      expect(book.saidasAcknowledged).toBe(SAIDAS_PER_ITEM)
      // Each batch raises every stock above what saídas can leave of the one before: one ajuste per batch.
      expect(book.ajustesRecorded).toBe(BATCHES)
      expect(book.negative).toBe(0)
      expect(book.pending).toBe(0)
      expect(book.stock).toBeGreaterThanOrEqual(FINAL - SAIDAS_PER_ITEM)
    }
  })

  it('against the legacy app: its result is recorded (the import $sets stocks with no movement)', { timeout: 180_000 }, async () => {
    const { importAnswer, saidaAnswers, summary } = await race(stack().legacy.url, 'IMP-RACE-LEGACY')
    report.importRaceLegacy = summary
    console.log(`legacy app, import racing saídas: ${JSON.stringify(summary)}`)
    expect(importAnswer.status).toBe(200)
    expect(saidaAnswers.filter((s) => s.status !== 201 && s.body.erro !== 'Estoque insuficiente')).toEqual([])
    expect(summary.ajustesRecorded).toBe(0)
  })
})
