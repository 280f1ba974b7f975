// The dashboard sums from columns (routes/dashboard/columns.ts) and falls back to reading the documents where
// the columns cannot stand. Both paths are exercised on the same database the legacy app reads: each case
// first asks the route's own functions which path the data takes, then compares both apps' answers byte
// for byte (status, headers that matter, body).
import { Double, Int32, Long, ObjectId, type Db, type Document } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { PythonError } from '../../compat/python/errors.js'
import { DAY_MS, startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { findItemColumns, findWeekColumns } from '../../routes/dashboard/columns.js'
import { summarizeItemColumns } from '../../routes/dashboard/summarize.js'
import { seed } from '../../scripts/seed/index.js'
import { answer, comparedHeaders, type Answer } from './compare.js'
import { useStack } from './stack.js'

const stack = useStack({
  prefix: 'dashcols',
  seed: (db, now) => seed(db, { now, items: 40, movements: 200 }).then(() => undefined),
  gatewayEnv: { CACHE_TTL_MS: '0' },
})

type Paths = { items: 'columns' | 'documents' | 'columns raise TypeError'; week: 'columns' | 'documents' }

/** The path each half of the dashboard takes on the database as it is now. */
async function paths(db: Db): Promise<Paths> {
  const today = startOfUtcDay(new Date())
  let items: Paths['items'] = 'documents'
  const itemColumns = await findItemColumns(db)
  try {
    if (itemColumns && summarizeItemColumns(itemColumns)) items = 'columns'
  } catch (error) {
    if (!(error instanceof PythonError) || error.pythonType !== 'TypeError') throw error
    items = 'columns raise TypeError'
  }
  const week = (await findWeekColumns(db, new Date(today.getTime() - 6 * DAY_MS), new Date(today.getTime() + DAY_MS))) ? 'columns' : 'documents'
  return { items, week }
}

async function dashboards(): Promise<[Answer, Answer]> {
  const { shared, cookie } = stack()
  const get = (url: string) => fetch(`${url}/api/dashboard`, { headers: { cookie }, redirect: 'manual' }).then(answer)
  return Promise.all([get(shared.legacy.url), get(shared.gateway.url)])
}

/** Status, compared headers and body of both apps, and the gateway answered itself (not the legacy app). */
async function expectSameBytes(status: number): Promise<void> {
  const [legacy, gateway] = await dashboards()
  const headers = comparedHeaders(gateway, legacy)
  expect({ status: gateway.status, headers: headers.gateway, body: gateway.text }).toEqual({ status: legacy.status, headers: headers.legacy, body: legacy.text })
  expect(gateway.status).toBe(status)
  expect(gateway.upstream).toBe('gateway')
}

const id = (n: number) => new ObjectId(`5e0be100aa00000000000c${n.toString(16).padStart(2, '0')}`)
const item = (n: number, quantidade: unknown, estoqueMinimo: unknown): Document => ({
  _id: id(n), codigo: `ZC-${n}`, nome: `Item coluna ${n}`, unidade: 'un', quantidade, estoque_minimo: estoqueMinimo, ativo: true,
})
const movement = (n: number, tipo: string, quantidade: unknown): Document => {
  const doc: Document = { _id: id(0x80 + n), item_id: id(1), tipo, data: new Date(Date.now() - 60_000 - n), usuario: 'demo@estoque.local' }
  if (quantidade !== undefined) doc.quantidade = quantidade
  return doc
}

/** Inserts the documents for one case and removes them afterwards. */
async function withDocuments(items: Document[], movements: Document[], run: (db: Db) => Promise<void>): Promise<void> {
  const db = stack().shared.db
  try {
    if (items.length) await db.collection('itens').insertMany(items)
    if (movements.length) await db.collection('movimentacoes').insertMany(movements)
    await run(db)
  } finally {
    await db.collection('itens').deleteMany({ _id: { $in: items.map((doc) => doc._id) } })
    await db.collection('movimentacoes').deleteMany({ _id: { $in: movements.map((doc) => doc._id) } })
  }
}

// A double below minimum, an int64 past 2^53 and an int32 (items); a double and an int64 (movements).
const numbers = {
  items: [item(1, new Double(2.5), new Int32(10)), item(2, Long.fromString('9007199254740993'), new Double(1)), item(3, new Int32(7), new Int32(3))],
  movements: [movement(1, 'entrada', new Double(1.25)), movement(2, 'saida', Long.fromString('9007199254740993')), movement(3, 'entrada', new Int32(4))],
}
// Python's `True < 5` holds; MongoDB's `$lt` orders a bool after every number: the columns cannot stand.
const boolBelow = item(4, true, new Int32(5))

describe('dashboard: the column path and the document fallback answer what the legacy app answers', () => {
  it('ordinary seeded data: columns for both halves', async () => {
    expect(await paths(stack().shared.db)).toEqual({ items: 'columns', week: 'columns' })
    await expectSameBytes(200)
  })

  it('doubles, an int64 past 2^53 and int32s: still columns, the same sums', async () => {
    await withDocuments(numbers.items, numbers.movements, async (db) => {
      expect(await paths(db)).toEqual({ items: 'columns', week: 'columns' })
      await expectSameBytes(200)
    })
  })

  it('a bool quantidade the `$lt` candidates miss: the items fall back to the documents', async () => {
    await withDocuments([...numbers.items, boolBelow], numbers.movements, async (db) => {
      expect(await paths(db)).toEqual({ items: 'documents', week: 'columns' })
      await expectSameBytes(200)
    })
  })

  it('a string quantidade next to the others: TypeError, the legacy 500', async () => {
    await withDocuments([...numbers.items, boolBelow, item(5, '5', new Int32(1))], numbers.movements, async (db) => {
      expect(await paths(db)).toEqual({ items: 'columns raise TypeError', week: 'columns' })
      await expectSameBytes(500)
    })
  })

  it('a movement of the week without quantidade: the week falls back to the documents, KeyError, the legacy 500', async () => {
    await withDocuments(numbers.items, [...numbers.movements, movement(4, 'saida', undefined)], async (db) => {
      expect(await paths(db)).toEqual({ items: 'columns', week: 'documents' })
      await expectSameBytes(500)
    })
  })
})
