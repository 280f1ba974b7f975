import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Db, Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectTestDb } from '../../test/support/mongo.js'
import { DEMO_USER, seed, type SeedSummary } from './index.js'

const execFileAsync = promisify(execFile)
const DAY_MS = 86_400_000
// Mid-afternoon UTC, so "today" has room for several movements.
const NOW = new Date('2026-11-23T15:30:00.000Z')
const COLLECTIONS = ['usuarios', 'itens', 'movimentacoes'] as const

const dump = async (db: Db) =>
  Object.fromEntries(
    await Promise.all(COLLECTIONS.map(async (name) => [name, await db.collection(name).find().sort({ _id: 1 }).toArray()])),
  ) as Record<(typeof COLLECTIONS)[number], Document[]>

async function werkzeugCheck(hash: string, password: string): Promise<boolean> {
  const script = 'import sys\nfrom werkzeug.security import check_password_hash\nprint(check_password_hash(sys.argv[1], sys.argv[2]))'
  const { stdout } = await execFileAsync('python3', ['-c', script, hash, password])
  return stdout.trim() === 'True'
}

describe('seed', () => {
  let a: Awaited<ReturnType<typeof connectTestDb>>
  let b: Awaited<ReturnType<typeof connectTestDb>>
  let summary: SeedSummary
  let data: Awaited<ReturnType<typeof dump>>

  beforeAll(async () => {
    ;[a, b] = await Promise.all([connectTestDb('seed_a'), connectTestDb('seed_b')])
    summary = await seed(a.db, { now: NOW })
    data = await dump(a.db)
  })
  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()])
  })

  it('is deterministic: twin databases get identical documents', async () => {
    await seed(b.db, { now: NOW })
    expect(await dump(b.db)).toEqual(data)
  })

  it('is idempotent: re-seeding replaces, never duplicates', async () => {
    await seed(a.db, { items: 80, movements: 900, now: NOW })
    expect(await a.db.collection('itens').countDocuments()).toBe(80)
    expect(await seed(a.db, { now: NOW })).toEqual(summary)
    expect(await dump(a.db)).toEqual(data)
  })

  it('reports what it wrote', () => {
    expect(summary).toMatchObject({ now: NOW, usuarios: 3, itens: 60, movimentacoes: 600 })
    expect(summary.itensAbaixoMinimo).toBe(data.itens.filter((i) => i.quantidade < i.estoque_minimo).length)
    expect(summary.itensInativos).toBe(data.itens.filter((i) => !i.ativo).length)
  })

  it('creates the unique indexes on email and codigo', async () => {
    const unique = async (name: string) =>
      (await a.db.collection(name).listIndexes().toArray()).filter((ix) => ix.unique).map((ix) => ix.key)
    expect(await unique('usuarios')).toContainEqual({ email: 1 })
    expect(await unique('itens')).toContainEqual({ codigo: 1 })
  })

  it('gives items the documented shape and mix', () => {
    const { itens } = data
    const fields = (item: Document) => Object.keys(item).filter((k) => k !== 'categoria' && k !== 'subcategoria')
    for (const item of itens) {
      expect(fields(item)).toEqual(['_id', 'codigo', 'nome', 'unidade', 'quantidade', 'estoque_minimo', 'ativo', 'criado_em', 'atualizado_em'])
      expect(['un', 'kg', 'm', 'l', 'cx']).toContain(item.unidade)
      const step = item.unidade === 'kg' || item.unidade === 'l' ? 0.5 : 1
      expect(item.quantidade % step).toBe(0)
      expect(item.quantidade).toBeGreaterThanOrEqual(0)
    }
    expect(new Set(itens.map((i) => i.codigo)).size).toBe(itens.length)
    expect(new Set(itens.map((i) => i.categoria)).size).toBeGreaterThanOrEqual(6)
    const below = itens.filter((i) => i.quantidade < i.estoque_minimo).length
    expect(below / itens.length).toBeGreaterThanOrEqual(0.08)
    expect(below / itens.length).toBeLessThanOrEqual(0.2)
    expect(itens.filter((i) => !i.ativo).length).toBeGreaterThanOrEqual(1)
    for (const field of ['categoria', 'subcategoria']) {
      expect(itens.some((i) => !(field in i))).toBe(true)
      expect(itens.some((i) => i[field] === null)).toBe(true)
      expect(itens.some((i) => i[field] === '')).toBe(true)
    }
  })

  it('chains every item history from estoque_anterior to estoque_posterior, ending at quantidade', () => {
    const byItem = new Map<string, Document[]>()
    for (const m of data.movimentacoes) {
      const key = m.item_id.toHexString()
      byItem.set(key, [...(byItem.get(key) ?? []), m])
    }
    for (const item of data.itens) {
      const history = (byItem.get(item._id.toHexString()) ?? []).sort((x, y) => x.data - y.data || (x._id < y._id ? -1 : 1))
      let stock: number | undefined
      for (const m of history) {
        if (stock !== undefined) expect(m.estoque_anterior).toBe(stock)
        const expected = { entrada: m.estoque_anterior + m.quantidade, saida: m.estoque_anterior - m.quantidade, ajuste: m.quantidade }
        expect(m.estoque_posterior).toBe(expected[m.tipo as keyof typeof expected])
        expect(m.estoque_posterior).toBeGreaterThanOrEqual(0)
        if (m.tipo !== 'ajuste') expect(m.quantidade).toBeGreaterThan(0)
        stock = m.estoque_posterior
      }
      if (stock !== undefined) {
        expect(stock).toBe(item.quantidade)
        expect(item.atualizado_em).toEqual(history.at(-1)!.data)
      }
    }
  })

  it('spreads movements over the last 60 days with some every recent day', () => {
    const { movimentacoes, itens } = data
    const todayStart = NOW.getTime() - (NOW.getTime() % DAY_MS)
    const day = (m: Document) => Math.floor((todayStart - (m.data.getTime() - (m.data.getTime() % DAY_MS))) / DAY_MS)
    for (const m of movimentacoes) {
      expect(m.data.getTime()).toBeLessThanOrEqual(NOW.getTime())
      expect(day(m)).toBeLessThan(60)
      expect(m.usuario).toBe(DEMO_USER.email)
    }
    for (let d = 0; d < 7; d++) expect(movimentacoes.filter((m) => day(m) === d).length).toBeGreaterThanOrEqual(3)
    expect(summary.movimentacoesHoje).toBe(movimentacoes.filter((m) => day(m) === 0).length)
    expect(new Set(movimentacoes.map((m) => m.tipo))).toEqual(new Set(['entrada', 'saida', 'ajuste']))
    expect(movimentacoes.some((m) => 'observacao' in m)).toBe(true)
    expect(movimentacoes.some((m) => !('observacao' in m))).toBe(true)
    const ids = new Set(itens.map((i) => i._id.toHexString()))
    const orphans = movimentacoes.filter((m) => !ids.has(m.item_id.toHexString())).length
    expect(orphans).toBeGreaterThanOrEqual(1)
    expect(orphans).toBe(summary.movimentacoesOrfas)
  })

  it('stores Werkzeug hashes the legacy app accepts', async () => {
    const users = new Map(data.usuarios.map((u) => [u.email, u]))
    const demo = users.get(DEMO_USER.email)!
    expect(demo).toMatchObject({ nome: DEMO_USER.nome, ativo: true })
    expect(demo.senha_hash).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/)
    expect(users.get('antigo@estoque.local')!.senha_hash).toMatch(/^pbkdf2:sha256:600000\$[A-Za-z0-9]{16}\$[0-9a-f]{64}$/)
    expect(users.get('inativo@estoque.local')!.ativo).toBe(false)

    expect(await werkzeugCheck(demo.senha_hash, DEMO_USER.password)).toBe(true)
    expect(await werkzeugCheck(demo.senha_hash, 'demo12345')).toBe(false)
    expect(await werkzeugCheck(users.get('antigo@estoque.local')!.senha_hash, 'antigo1234')).toBe(true)
  })
})
