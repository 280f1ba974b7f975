// Verifies the reference legacy app (test/legacy-app) against docs/legacy-api.md: it is the proxy target
// and the parity oracle, so it has to be right first. Runs the real thing: gunicorn + sync workers.
import { createHash } from 'node:crypto'
import http from 'node:http'
import { ObjectId, type Document } from 'mongodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed, type SeedSummary } from '../scripts/seed/index.js'
import { startLegacyApp, type LegacyApp } from '../scripts/dev/legacy-app.js'
import { login } from './support/login.js'
import { connectTestDb } from './support/mongo.js'

const SECRET = 'legacy-app-test-secret-1'
const DAY_MS = 86_400_000

let testDb: Awaited<ReturnType<typeof connectTestDb>>
let app: LegacyApp
let cookie: string
let summary: SeedSummary
const extraApps: LegacyApp[] = []

// Movements far from the seeded 60 days, to pin the date filters down exactly.
const OLD_ITEM = new ObjectId()
const OLD_MOVES = [
  { _id: new ObjectId(), data: new Date('2021-03-04T23:59:59.999Z') },
  { _id: new ObjectId(), data: new Date('2021-03-05T00:00:00.000Z') },
  { _id: new ObjectId(), data: new Date('2021-03-09T23:59:59.000Z') },
  { _id: new ObjectId(), data: new Date('2021-03-10T00:00:00.000Z') },
]

beforeAll(async () => {
  testDb = await connectTestDb('legacy_app')
  summary = await seed(testDb.db, { items: 40, movements: 240 })
  await testDb.db.collection('movimentacoes').insertMany(
    OLD_MOVES.map((m, i) => ({
      ...m,
      item_id: OLD_ITEM,
      tipo: 'ajuste',
      quantidade: i,
      usuario: 'demo@estoque.local',
      estoque_anterior: 0,
      estoque_posterior: i,
    })),
  )
  app = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, secretKey: SECRET })
  cookie = await login(app.url)
})

afterAll(async () => {
  for (const extra of extraApps) await extra.stop()
  await app?.stop()
  await testDb?.drop()
})

type Init = { method?: string; json?: unknown; body?: RequestInit['body']; headers?: Record<string, string>; cookie?: string | null }

function request(path: string, init: Init = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers }
  const jar = init.cookie === undefined ? cookie : init.cookie
  if (jar) headers.cookie = jar
  let body = init.body
  if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(init.json)
  }
  return fetch(`${app.url}${path}`, { method: init.method ?? 'GET', headers, body, redirect: 'manual' })
}

async function json(path: string, init: Init = {}): Promise<{ status: number; body: any; res: Response }> {
  const res = await request(path, init)
  expect(res.headers.get('content-type')).toBe('application/json')
  return { status: res.status, body: await res.json(), res }
}

const post = (path: string, payload: unknown) => json(path, { method: 'POST', json: payload })
const items = () => testDb.db.collection('itens')
const moves = () => testDb.db.collection('movimentacoes')

function httpDate(date: Date): string {
  return date.toUTCString() // "Tue, 03 Nov 2026 04:05:06 GMT", the form Flask's JSON provider writes
}

function movementJson(m: Document, item: Document | null | undefined) {
  return {
    _id: m._id.toHexString(),
    item_id: m.item_id.toHexString(),
    item_codigo: item ? item.codigo : null,
    item_nome: item ? item.nome : null,
    tipo: m.tipo,
    quantidade: m.quantidade,
    data: httpDate(m.data),
    usuario: m.usuario,
    observacao: m.observacao ?? '',
    estoque_anterior: m.estoque_anterior,
    estoque_posterior: m.estoque_posterior,
  }
}

async function expectedMovementList(filter: Document, skip: number, limit: number) {
  const docs = await moves().find(filter).sort({ data: -1, _id: -1 }).skip(skip).limit(limit).toArray()
  const byId = new Map((await items().find({}).toArray()).map((i) => [i._id.toHexString(), i]))
  return docs.map((m) => movementJson(m, byId.get(m.item_id.toHexString())))
}

async function activeItemWithStock(min: number): Promise<Document> {
  const item = await items().findOne({ ativo: true, quantidade: { $gte: min } }, { sort: { codigo: 1 } })
  if (!item) throw new Error('seed has no suitable item')
  return item
}

describe('authentication', () => {
  it('answers 401 JSON on /api without a session and redirects pages to /login?next=', async () => {
    const api = await json('/api/me', { cookie: null })
    expect(api.status).toBe(401)
    expect(api.body).toEqual({ erro: 'Não autenticado' })

    const page = await request('/movimentacoes', { cookie: null })
    expect(page.status).toBe(302)
    const location = new URL(page.headers.get('location')!, app.url)
    expect(location.pathname).toBe('/login')
    expect(location.searchParams.get('next')).toBe('/movimentacoes')
  })

  it('logs in with the form (email trimmed and lowercased) and follows a safe next', async () => {
    const res = await fetch(`${app.url}/login?next=/estoque/`, {
      method: 'POST',
      body: new URLSearchParams({ email: '  DEMO@Estoque.Local ', password: 'demo1234' }),
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/estoque/')
    const session = res.headers.getSetCookie().find((c) => c.startsWith('session='))!
    expect(session).toMatch(/HttpOnly/i)
    expect(session).toMatch(/Path=\//)
    const me = await json('/api/me', { cookie: session.split(';')[0] })
    expect(me.status).toBe(200)
    expect(me.body).toEqual({ email: 'demo@estoque.local', nome: 'Usuário Demo' })
  })

  it('ignores an absolute or protocol-relative next', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/']) {
      const res = await fetch(`${app.url}/login?next=${encodeURIComponent(next)}`, {
        method: 'POST',
        body: new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234' }),
        redirect: 'manual',
      })
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/')
    }
  })

  it('accepts an older pbkdf2 hash and sets remember_token with remember', async () => {
    const res = await fetch(`${app.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'antigo@estoque.local', password: 'antigo1234', remember: '1' }),
      redirect: 'manual',
    })
    expect(res.status).toBe(302)
    const names = res.headers.getSetCookie().map((c) => c.split('=')[0])
    expect(names).toContain('remember_token')
    expect(names).toContain('session')
  })

  it('refuses a wrong password, an unknown email and an inactive user with 200 and the message', async () => {
    const attempts = [
      { email: 'demo@estoque.local', password: 'errada' },
      { email: 'ninguem@estoque.local', password: 'demo1234' },
      { email: 'inativo@estoque.local', password: 'inativo1234' },
    ]
    for (const form of attempts) {
      const res = await fetch(`${app.url}/login`, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('E-mail ou senha inválidos.')
      const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      expect((await request('/api/me', { cookie: cookies })).status).toBe(401)
    }
  })

  it('logout clears the session cookie and redirects to /login', async () => {
    const own = await login(app.url)
    const res = await request('/logout', { cookie: own })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login')
    const cleared = res.headers.getSetCookie().find((c) => c.startsWith('session='))!
    expect(cleared).toBeDefined()
    const after = cleared.split(';')[0]!
    expect((await request('/api/me', { cookie: after })).status).toBe(401)
  })

  it('accepts a cookie signed with a key listed in SECRET_KEY_FALLBACKS', async () => {
    const rotated = await startLegacyApp({
      mongoUri: inject('mongoUri'),
      dbName: testDb.db.databaseName,
      secretKey: 'legacy-app-test-secret-2',
      secretKeyFallbacks: [SECRET],
      workers: 1,
    })
    extraApps.push(rotated)
    const withFallback = await fetch(`${rotated.url}/api/me`, { headers: { cookie } })
    expect(withFallback.status).toBe(200)
    expect(((await withFallback.json()) as { email: string }).email).toBe('demo@estoque.local')
    // and a tampered signature is not
    // (a character inside the signature, not the last one: its low bits are base64 padding)
    const forged = cookie.replace(/session=([^;]*)/, (_, v: string) => {
      const i = v.length - 5
      return `session=${v.slice(0, i)}${v[i] === 'A' ? 'B' : 'A'}${v.slice(i + 1)}`
    })
    expect((await fetch(`${rotated.url}/api/me`, { headers: { cookie: forged } })).status).toBe(401)
  })
})

describe('pages and routing', () => {
  it('redirects / to /dashboard and /estoque to /estoque/ (308)', async () => {
    const root = await request('/')
    expect(root.status).toBe(302)
    expect(root.headers.get('location')).toBe('/dashboard')
    const estoque = await request('/estoque')
    expect(estoque.status).toBe(308)
    expect(new URL(estoque.headers.get('location')!, app.url).pathname).toBe('/estoque/')
  })

  it('renders the pages with the nav, the user name and the hooks the frontend needs', async () => {
    const expectations: Record<string, string[]> = {
      '/dashboard': ['id="total-itens"', 'id="grafico-dias"', 'id="ultimas-movimentacoes"'],
      '/estoque/': ['id="arvore"', 'id="mov-form"', 'id="import-form"', 'href="/api/relatorios/movimentacoes.csv"'],
      '/movimentacoes': ['id="filtros"', 'id="mov-tabela"', 'id="pagina-proxima"'],
      '/chat': ['id="chat-log"', 'id="chat-form"'],
    }
    for (const [path, ids] of Object.entries(expectations)) {
      const res = await request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await res.text()
      for (const text of [...ids, 'Usuário Demo', '>Movimentações</a>', '>Sair</a>', '/static/app.js']) {
        expect(html, `${path} ${text}`).toContain(text)
      }
    }
    const js = await request('/static/app.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/javascript/)
    const source = await js.text()
    expect(source).toContain("'/api/estoque/hierarquia")
    expect(source).not.toMatch(/https?:\/\//)
  })

  it('maps 404 and 405 on /api to JSON, keeps HTML outside /api', async () => {
    const missing = await json('/api/nao-existe')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ erro: 'Recurso não encontrado' })
    const method = await json('/api/dashboard', { method: 'DELETE' })
    expect(method.status).toBe(405)
    expect(method.body).toEqual({ erro: 'Método não permitido' })
    expect(method.res.headers.get('allow')).toContain('GET')
    const page = await request('/nao-existe')
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  it('answers 413 JSON when Content-Length exceeds 32 MiB', async () => {
    const { status, headers, body } = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
      (resolve, reject) => {
        const req = http.request(`${app.url}/api/importar`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(32 * 1024 * 1024 + 1) },
        })
        req.on('response', (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (text += c))
          res.on('end', () => {
            resolve({ status: res.statusCode!, headers: res.headers, body: text })
            req.destroy()
          })
        })
        req.on('error', reject)
        req.write('--x\r\n') // headers sent, body never completed: the limit is checked before reading it
      },
    )
    expect(status).toBe(413)
    expect(headers['content-type']).toBe('application/json')
    expect(JSON.parse(body)).toEqual({ erro: 'Requisição muito grande' })
  })
})

describe('GET /api/estoque/hierarquia', () => {
  async function expectedTree(includeInactive: boolean) {
    const docs = await items().find(includeInactive ? {} : { ativo: true }).toArray()
    const groups = new Map<string, Map<string, Document[]>>()
    for (const d of docs) {
      const cat = d.categoria || 'Sem categoria'
      const sub = d.subcategoria || 'Sem subcategoria'
      if (!groups.has(cat)) groups.set(cat, new Map())
      const subs = groups.get(cat)!
      if (!subs.has(sub)) subs.set(sub, [])
      subs.get(sub)!.push(d)
    }
    const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
    const sum = (nodes: any[], key: string) => nodes.reduce((acc, n) => acc + n[key], 0)
    const categorias = [...groups.keys()].sort(byCodePoint).map((cat) => {
      const subcategorias = [...groups.get(cat)!.keys()].sort(byCodePoint).map((sub) => {
        const itens = groups
          .get(cat)!
          .get(sub)!
          .sort((a, b) => byCodePoint(a.codigo, b.codigo))
          .map((d) => ({
            _id: d._id.toHexString(),
            codigo: d.codigo,
            nome: d.nome,
            unidade: d.unidade,
            quantidade: d.quantidade,
            estoque_minimo: d.estoque_minimo,
            abaixo_minimo: d.quantidade < d.estoque_minimo,
            ativo: d.ativo,
          }))
        return {
          nome: sub,
          total_itens: itens.length,
          quantidade_total: sum(itens, 'quantidade'),
          abaixo_minimo: itens.filter((i) => i.abaixo_minimo).length,
          itens,
        }
      })
      return {
        nome: cat,
        total_itens: sum(subcategorias, 'total_itens'),
        quantidade_total: sum(subcategorias, 'quantidade_total'),
        abaixo_minimo: sum(subcategorias, 'abaixo_minimo'),
        subcategorias,
      }
    })
    return {
      categorias,
      total_itens: sum(categorias, 'total_itens'),
      quantidade_total: sum(categorias, 'quantidade_total'),
      abaixo_minimo: sum(categorias, 'abaixo_minimo'),
    }
  }

  it('groups active items by category and subcategory with per-node totals', async () => {
    const { status, body } = await json('/api/estoque/hierarquia')
    expect(status).toBe(200)
    expect(body).toEqual(await expectedTree(false))
    expect(body.total_itens).toBe(summary.itens - summary.itensInativos)
    // the seed has items with categoria absent, null and "": all shown under "Sem categoria"
    const sem = body.categorias.find((c: any) => c.nome === 'Sem categoria')
    expect(sem.total_itens).toBeGreaterThanOrEqual(2)
    expect(body.categorias.map((c: any) => c.nome)).toContain('Elétrica')
  })

  it('includes inactive items with incluir_inativos=SIM / 1, refuses other values', async () => {
    const all = await json('/api/estoque/hierarquia?incluir_inativos=SIM')
    expect(all.body).toEqual(await expectedTree(true))
    expect(all.body.total_itens).toBe(summary.itens)
    expect((await json('/api/estoque/hierarquia?incluir_inativos=1')).body.total_itens).toBe(summary.itens)
    expect((await json('/api/estoque/hierarquia?incluir_inativos=NAO')).body.total_itens).toBe(
      summary.itens - summary.itensInativos,
    )
    const bad = await json('/api/estoque/hierarquia?incluir_inativos=talvez')
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({ erro: 'Parâmetro inválido: incluir_inativos' })
  })

  it('filters by the displayed category name; an unknown one gives the empty tree', async () => {
    const full = await expectedTree(false)
    const only = await json(`/api/estoque/hierarquia?categoria=${encodeURIComponent('Sem categoria')}`)
    expect(only.body.categorias).toEqual(full.categorias.filter((c) => c.nome === 'Sem categoria'))
    const none = await json('/api/estoque/hierarquia?categoria=Nada')
    expect(none.body).toEqual({ categorias: [], total_itens: 0, quantidade_total: 0, abaixo_minimo: 0 })
  })
})

describe('GET /api/movimentacoes', () => {
  it('lists the newest 20 with item lookups, total and paginas', async () => {
    const { status, body } = await json('/api/movimentacoes')
    expect(status).toBe(200)
    const total = await moves().countDocuments({})
    expect(body.total).toBe(total)
    expect(body.pagina).toBe(1)
    expect(body.por_pagina).toBe(20)
    expect(body.paginas).toBe(Math.ceil(total / 20))
    expect(body.movimentacoes).toEqual(await expectedMovementList({}, 0, 20))
  })

  it('shows null item fields for movements of a deleted item and "" for a missing observacao', async () => {
    expect(summary.movimentacoesOrfas).toBeGreaterThan(0)
    const { body } = await json(`/api/movimentacoes?item=${OLD_ITEM.toHexString()}`)
    expect(body.total).toBe(4)
    for (const m of body.movimentacoes) {
      expect(m.item_codigo).toBeNull()
      expect(m.item_nome).toBeNull()
      expect(m.observacao).toBe('')
    }
  })

  it('reads pagina/por_pagina like request.args.get(type=int): junk means default, clamps apply', async () => {
    const total = await moves().countDocuments({})
    const cases: [string, number, number][] = [
      ['pagina=abc', 1, 20],
      ['pagina=0&por_pagina=0', 1, 1],
      ['pagina=-3&por_pagina=500', 1, 100],
      ['pagina=%202%20&por_pagina=1_0', 2, 10],
      ['pagina=%EF%BC%93&por_pagina=5', 3, 5], // fullwidth digit three
      ['pagina=2.0&por_pagina=x', 1, 20],
    ]
    for (const [query, pagina, porPagina] of cases) {
      const { status, body } = await json(`/api/movimentacoes?${query}`)
      expect(status, query).toBe(200)
      expect([body.pagina, body.por_pagina], query).toEqual([pagina, porPagina])
      expect(body.paginas).toBe(Math.ceil(total / porPagina))
      expect(body.movimentacoes).toEqual(await expectedMovementList({}, (pagina - 1) * porPagina, porPagina))
    }
    const past = await json('/api/movimentacoes?pagina=9999')
    expect(past.body.movimentacoes).toEqual([])
    expect(past.body.total).toBe(total)
  })

  it('parses dates with strptime (single-digit month/day) and treats fim as an inclusive day', async () => {
    const ids = (body: any) => body.movimentacoes.map((m: any) => m._id)
    const hex = (i: number) => OLD_MOVES[i]!._id.toHexString()
    const a = await json('/api/movimentacoes?inicio=2021-3-5&fim=2021-3-9')
    expect(a.status).toBe(200)
    expect(ids(a.body)).toEqual([hex(2), hex(1)])
    const b = await json('/api/movimentacoes?inicio=2021-03-05&fim=2021-03-08')
    expect(ids(b.body)).toEqual([hex(1)])
    const c = await json('/api/movimentacoes?fim=2021-3-9&inicio=')
    expect(ids(c.body)).toEqual([hex(2), hex(1), hex(0)])
    const reversed = await json('/api/movimentacoes?inicio=2021-3-9&fim=2021-3-5')
    expect(reversed.status).toBe(200)
    expect(reversed.body.total).toBe(0)
  })

  it('answers 400 for invalid item, tipo and dates, in that order', async () => {
    const cases: [string, string][] = [
      ['item=abc', 'Item inválido'],
      ['item=abc&tipo=x&inicio=x', 'Item inválido'],
      ['tipo=SAIDA', 'Tipo inválido'],
      ['tipo=x&inicio=x', 'Tipo inválido'],
      ['inicio=2026-02-30', 'Data inválida: inicio'],
      ['inicio=26-01-01&fim=x', 'Data inválida: inicio'],
      ['inicio=2026-13-01', 'Data inválida: inicio'],
      ['fim=2026-1-1x', 'Data inválida: fim'],
    ]
    for (const [query, erro] of cases) {
      const { status, body } = await json(`/api/movimentacoes?${query}`)
      expect([status, body], query).toEqual([400, { erro }])
    }
  })

  it('filters by item and tipo, ignores bracketed keys and empty values, takes the first repeated value', async () => {
    const total = await moves().countDocuments({})
    const some = await moves().findOne({ tipo: 'saida' })
    const id = some!.item_id.toHexString()
    const byItem = await json(`/api/movimentacoes?item=${id}&tipo=saida&por_pagina=100`)
    expect(byItem.body.total).toBe(await moves().countDocuments({ item_id: some!.item_id, tipo: 'saida' }))
    expect(byItem.body.movimentacoes.every((m: any) => m.item_id === id && m.tipo === 'saida')).toBe(true)

    const injected = await json(`/api/movimentacoes?item%5B%24ne%5D=${id}&tipo%5B%24ne%5D=saida`)
    expect(injected.status).toBe(200)
    expect(injected.body.total).toBe(total)
    expect((await json('/api/movimentacoes?item=&tipo=')).body.total).toBe(total)
    const repeated = await json('/api/movimentacoes?tipo=ajuste&tipo=nada')
    expect(repeated.status).toBe(200)
    expect(repeated.body.total).toBe(await moves().countDocuments({ tipo: 'ajuste' }))
    const unknown = await json(`/api/movimentacoes?item=${new ObjectId().toHexString()}`)
    expect([unknown.status, unknown.body.total, unknown.body.paginas]).toEqual([200, 0, 0])
  })
})

describe('POST /api/movimentacoes', () => {
  it('answers 415 for a form body and 400 for malformed JSON or a non-object', async () => {
    const form = await json('/api/movimentacoes', { method: 'POST', body: new URLSearchParams({ tipo: 'entrada' }) })
    expect([form.status, form.body]).toEqual([415, { erro: 'Tipo de conteúdo não suportado' }])
    const malformed = await json('/api/movimentacoes', {
      method: 'POST',
      body: '{"tipo": ',
      headers: { 'content-type': 'application/json' },
    })
    expect([malformed.status, malformed.body]).toEqual([400, { erro: 'Requisição inválida' }])
    const list = await post('/api/movimentacoes', [1, 2])
    expect([list.status, list.body]).toEqual([400, { erro: 'Dados inválidos' }])
    const vendor = await json('/api/movimentacoes', {
      method: 'POST',
      body: '"x"',
      headers: { 'content-type': 'application/vnd.estoque+json' },
    })
    expect([vendor.status, vendor.body]).toEqual([400, { erro: 'Dados inválidos' }])
  })

  it('validates the fields in the documented order', async () => {
    const item = await activeItemWithStock(1)
    const id = item._id.toHexString()
    const inactive = await items().findOne({ ativo: false })
    const cases: [unknown, number, Document][] = [
      [{ tipo: 'entrada', quantidade: 1 }, 400, { erro: 'Item inválido' }],
      [{ item_id: 123, tipo: 'x' }, 400, { erro: 'Item inválido' }],
      [{ item_id: 'zz', tipo: 'entrada', quantidade: 1 }, 400, { erro: 'Item inválido' }],
      [{ item_id: id, tipo: 'Entrada', quantidade: 'x' }, 400, { erro: 'Tipo inválido' }],
      [{ item_id: id, tipo: 'entrada' }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: null }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: [1] }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: 'dez' }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: 'nan' }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: '-inf' }, 400, { erro: 'Quantidade inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: 0 }, 400, { erro: 'Quantidade deve ser maior que zero' }],
      [{ item_id: id, tipo: 'saida', quantidade: false, observacao: 5 }, 400, { erro: 'Quantidade deve ser maior que zero' }],
      [{ item_id: id, tipo: 'ajuste', quantidade: -1 }, 400, { erro: 'Quantidade deve ser maior que zero' }],
      [{ item_id: id, tipo: 'entrada', quantidade: 1, observacao: 5 }, 400, { erro: 'Observação inválida' }],
      [{ item_id: id, tipo: 'entrada', quantidade: 1, observacao: 'x'.repeat(501) }, 400, { erro: 'Observação muito longa' }],
      [{ item_id: new ObjectId().toHexString(), tipo: 'entrada', quantidade: 1 }, 404, { erro: 'Item não encontrado' }],
      [{ item_id: inactive!._id.toHexString(), tipo: 'entrada', quantidade: 1 }, 400, { erro: 'Item inativo' }],
      [{ item_id: id, tipo: 'saida', quantidade: item.quantidade + 0.5 }, 400, { erro: 'Estoque insuficiente', disponivel: item.quantidade }],
    ]
    for (const [payload, status, body] of cases) {
      const res = await post('/api/movimentacoes', payload)
      expect([res.status, res.body], JSON.stringify(payload).slice(0, 80)).toEqual([status, body])
    }
    // nothing was written by the refused requests
    expect((await items().findOne({ _id: item._id }))!.quantidade).toBe(item.quantidade)
  })

  it('applies an entrada: updates the stock, records the movement with anterior/posterior', async () => {
    const item = await activeItemWithStock(1)
    const before = item.quantidade as number
    const movesBefore = await moves().countDocuments({})
    const started = Date.now()
    const res = await post('/api/movimentacoes', {
      item_id: item._id.toHexString(),
      tipo: 'entrada',
      quantidade: ' 1e1 ',
      observacao: '  nota fiscal 123  ',
    })
    expect(res.status).toBe(201)
    const { movimentacao, item: updated } = res.body
    expect(updated).toMatchObject({ _id: item._id.toHexString(), codigo: item.codigo, quantidade: before + 10, ativo: true })
    expect(updated.criado_em).toBe(httpDate(item.criado_em))
    expect(movimentacao).toMatchObject({
      item_id: item._id.toHexString(),
      item_codigo: item.codigo,
      item_nome: item.nome,
      tipo: 'entrada',
      quantidade: 10,
      usuario: 'demo@estoque.local',
      observacao: 'nota fiscal 123',
      estoque_anterior: before,
      estoque_posterior: before + 10,
    })
    expect(Math.abs(Date.parse(movimentacao.data) - started)).toBeLessThan(5_000)

    const stored = await items().findOne({ _id: item._id })
    expect(stored!.quantidade).toBe(before + 10)
    expect(stored!.atualizado_em.getTime()).toBeGreaterThanOrEqual(started - 1_000)
    expect(await moves().countDocuments({})).toBe(movesBefore + 1)
    const mov = await moves().findOne({ _id: new ObjectId(movimentacao._id as string) })
    expect(mov).toMatchObject({ item_id: item._id, tipo: 'entrada', quantidade: 10, estoque_anterior: before, estoque_posterior: before + 10 })

    // it is now the newest movement of that item
    const list = await json(`/api/movimentacoes?item=${item._id.toHexString()}`)
    expect(list.body.movimentacoes[0]).toEqual(movimentacao)
    const one = await json(`/api/estoque/itens/${item._id.toHexString()}`)
    expect(one.body.quantidade).toBe(before + 10)
  })

  it('applies a saida down to zero and an ajuste to an absolute value (0 allowed)', async () => {
    const item = await activeItemWithStock(2)
    const id = item._id.toHexString()
    const saida = await post('/api/movimentacoes', { item_id: id, tipo: 'saida', quantidade: item.quantidade })
    expect(saida.status).toBe(201)
    expect(saida.body.item.quantidade).toBe(0)
    expect(saida.body.movimentacao).toMatchObject({ estoque_anterior: item.quantidade, estoque_posterior: 0, observacao: '' })
    const more = await post('/api/movimentacoes', { item_id: id, tipo: 'saida', quantidade: 1 })
    expect([more.status, more.body]).toEqual([400, { erro: 'Estoque insuficiente', disponivel: 0 }])
    const ajuste = await post('/api/movimentacoes', { item_id: id, tipo: 'ajuste', quantidade: '7.5' })
    expect(ajuste.status).toBe(201)
    expect(ajuste.body.movimentacao).toMatchObject({ tipo: 'ajuste', quantidade: 7.5, estoque_anterior: 0, estoque_posterior: 7.5 })
    const zero = await post('/api/movimentacoes', { item_id: id, tipo: 'ajuste', quantidade: 0, observacao: null })
    expect(zero.status).toBe(201)
    expect((await items().findOne({ _id: item._id }))!.quantidade).toBe(0)
  })
})

describe('GET /api/dashboard', () => {
  it('summarizes active items, today, the last 10 movements and 7 days ending today', async () => {
    const { status, body } = await json('/api/dashboard')
    expect(status).toBe(200)
    const active = await items().find({ ativo: true }).sort({ codigo: 1 }).toArray()
    const below = active.filter((i) => i.quantidade < i.estoque_minimo)
    expect(body.total_itens).toBe(active.length)
    expect(body.quantidade_total).toBe(active.reduce((acc, i) => acc + i.quantidade, 0))
    expect(body.itens_abaixo_minimo).toBe(below.length)
    expect(body.lista_abaixo_minimo).toEqual(
      below.slice(0, 10).map((i) => ({
        _id: i._id.toHexString(),
        codigo: i.codigo,
        nome: i.nome,
        unidade: i.unidade,
        quantidade: i.quantidade,
        estoque_minimo: i.estoque_minimo,
      })),
    )

    const now = Date.now()
    const today = now - (now % DAY_MS)
    expect(body.movimentacoes_hoje).toBe(
      await moves().countDocuments({ data: { $gte: new Date(today), $lt: new Date(today + DAY_MS) } }),
    )
    expect(body.movimentacoes_hoje).toBeGreaterThan(0)
    expect(body.ultimas_movimentacoes).toEqual(await expectedMovementList({}, 0, 10))

    const days = Array.from({ length: 7 }, (_, k) => new Date(today - (6 - k) * DAY_MS).toISOString().slice(0, 10))
    expect(body.por_dia.map((d: any) => d.data)).toEqual(days)
    const week = await moves()
      .find({ data: { $gte: new Date(today - 6 * DAY_MS), $lt: new Date(today + DAY_MS) }, tipo: { $in: ['entrada', 'saida'] } })
      .sort({ data: 1, _id: 1 })
      .toArray()
    const expected = days.map((data) => ({ data, entradas: 0, saidas: 0 }))
    for (const m of week) {
      const day = expected.find((d) => d.data === m.data.toISOString().slice(0, 10))!
      if (m.tipo === 'entrada') day.entradas += m.quantidade
      else day.saidas += m.quantidade
    }
    expect(body.por_dia).toEqual(expected)
    expect(expected.some((d) => d.entradas > 0)).toBe(true)
  })
})

describe('items CRUD (legacy routes)', () => {
  it('creates, reads, searches, updates and soft-deletes an item', async () => {
    const created = await post('/api/estoque/itens', {
      codigo: 'TST-0001',
      nome: 'Parafuso de teste',
      categoria: 'Testes',
      subcategoria: 'Fixação',
      unidade: 'cx',
      quantidade: 3,
      estoque_minimo: 5,
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ codigo: 'TST-0001', nome: 'Parafuso de teste', quantidade: 3, ativo: true, unidade: 'cx' })
    const id = created.body._id as string
    expect(await items().countDocuments({ _id: new ObjectId(id) })).toBe(1)

    const dup = await post('/api/estoque/itens', { codigo: 'TST-0001', nome: 'Outro' })
    expect([dup.status, dup.body]).toEqual([409, { erro: 'Código já existe' }])
    const missing = await post('/api/estoque/itens', { nome: 'Sem código' })
    expect(missing.status).toBe(400)

    expect((await json(`/api/estoque/itens/${id}`)).body).toEqual(created.body)
    const found = await json('/api/estoque/itens?q=parafuso%20de%20TESTE')
    expect(found.body.itens.map((i: any) => i.codigo)).toEqual(['TST-0001'])
    const byCat = await json('/api/estoque/itens?categoria=Testes')
    expect(byCat.body.itens.map((i: any) => i._id)).toEqual([id])

    const updated = await json(`/api/estoque/itens/${id}`, { method: 'PUT', json: { nome: 'Parafuso M6', estoque_minimo: 2 } })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ nome: 'Parafuso M6', estoque_minimo: 2, quantidade: 3, codigo: 'TST-0001' })
    const tree = await json('/api/estoque/hierarquia?categoria=Testes')
    expect(tree.body.categorias[0].subcategorias[0].itens[0]).toMatchObject({ nome: 'Parafuso M6', abaixo_minimo: false })

    const deleted = await json(`/api/estoque/itens/${id}`, { method: 'DELETE' })
    expect([deleted.status, deleted.body]).toEqual([200, { ok: true }])
    expect((await items().findOne({ _id: new ObjectId(id) }))!.ativo).toBe(false)
    expect((await json('/api/estoque/itens?categoria=Testes')).body.itens).toEqual([])
    expect((await json('/api/estoque/hierarquia?categoria=Testes')).body.total_itens).toBe(0)

    const unknown = await json(`/api/estoque/itens/${new ObjectId().toHexString()}`)
    expect([unknown.status, unknown.body]).toEqual([404, { erro: 'Item não encontrado' }])
    expect((await json('/api/estoque/itens/nao-e-id')).status).toBe(404)
  })
})

describe('GET /api/chat (Server-Sent Events)', () => {
  it('streams several chunks about half a second apart, then event: fim', async () => {
    const res = await request(`/api/chat?mensagem=${encodeURIComponent('quanto cabo temos?')}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('x-accel-buffering')).toBe('no')

    const decoder = new TextDecoder()
    const reader = res.body!.getReader()
    const start = Date.now()
    let buffer = ''
    const events: { event: string; data: string; at: number }[] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? ''
        events.push({ event, data, at: Date.now() - start })
      }
    }
    const messages = events.filter((e) => e.event === 'message')
    expect(messages.length).toBeGreaterThanOrEqual(4)
    expect(events.at(-1)!.event).toBe('fim')
    expect(messages.map((m) => m.data).join('')).toContain('quanto cabo temos?')
    // arrived over time, one by one, not as one buffered body
    const gaps = events.slice(1).map((e, i) => e.at - events[i]!.at)
    expect(gaps.every((g) => g >= 300)).toBe(true)
    expect(events.at(-1)!.at - events[0]!.at).toBeGreaterThanOrEqual(1_500)
  })

  it('is 401 JSON without a session', async () => {
    const res = await json('/api/chat', { cookie: null })
    expect([res.status, res.body]).toEqual([401, { erro: 'Não autenticado' }])
  })
})

describe('POST /api/importar', () => {
  function upload(content: Uint8Array | string, filename = 'itens.csv') {
    const form = new FormData()
    form.append('arquivo', new Blob([content], { type: 'text/csv' }), filename)
    return json('/api/importar', { method: 'POST', body: form })
  }

  it('creates and updates items by codigo and reports size, sha256 and row errors', async () => {
    const existing = await items().findOne({ ativo: true }, { sort: { codigo: 1 } })
    const csv = [
      'codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo',
      'IMP-0001,Luva nitrílica,EPI,Luvas,cx,12,4',
      `${existing!.codigo},Nome atualizado,"${existing!.categoria ?? ''}","${existing!.subcategoria ?? ''}",un,99,1`,
      ',Sem código,,,,,',
      'IMP-0002,Unidade ruim,EPI,Luvas,galão,1,1',
      'IMP-0003,"Fita, isolante",Elétrica,Fitas,m,2.5,',
    ].join('\n') + '\n'
    const bytes = new TextEncoder().encode(csv)
    const movementsBefore = await moves().countDocuments({ item_id: existing!._id })
    const { status, body } = await upload(bytes)
    expect(status).toBe(200)
    // The stock is $set with no movement recorded (the gateway records an ajuste: docs/compatibility.md).
    expect(await moves().countDocuments({ item_id: existing!._id })).toBe(movementsBefore)
    expect(body.criados).toBe(2)
    expect(body.atualizados).toBe(1)
    expect(body.erros).toHaveLength(2)
    expect(body.erros.map((e: any) => e.linha)).toEqual([4, 5])
    expect(body.bytes).toBe(bytes.length)
    expect(body.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))

    expect(await items().findOne({ codigo: 'IMP-0001' })).toMatchObject({ nome: 'Luva nitrílica', unidade: 'cx', quantidade: 12, ativo: true })
    expect(await items().findOne({ codigo: 'IMP-0003' })).toMatchObject({ nome: 'Fita, isolante', quantidade: 2.5, estoque_minimo: 0 })
    expect(await items().findOne({ codigo: existing!.codigo })).toMatchObject({ nome: 'Nome atualizado', quantidade: 99 })
    expect(await items().countDocuments({ codigo: 'IMP-0002' })).toBe(0)
  })

  it('streams a 20+ MB upload through (size and sha256 of every byte)', async () => {
    const big = new Uint8Array(21 * 1024 * 1024 + 7)
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24
    const { status, body } = await upload(big, 'grande.csv')
    expect(status).toBe(200)
    expect(body.bytes).toBe(big.length)
    expect(body.sha256).toBe(createHash('sha256').update(big).digest('hex'))
    expect(body.criados).toBe(0)
    expect(body.erros.length).toBeGreaterThan(0)
  })

  it('answers 400 without the arquivo field', async () => {
    const form = new FormData()
    form.append('outro', 'x')
    const res = await json('/api/importar', { method: 'POST', body: form })
    expect([res.status, res.body]).toEqual([400, { erro: 'Arquivo não enviado' }])
  })
})

describe('GET /api/relatorios/movimentacoes.csv', () => {
  it('downloads every movement as CSV, oldest first', async () => {
    const res = await request('/api/relatorios/movimentacoes.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=movimentacoes.csv')
    const lines = (await res.text()).trimEnd().split('\r\n')
    expect(lines[0]).toBe('data,item_codigo,item_nome,tipo,quantidade,estoque_anterior,estoque_posterior,usuario,observacao')
    const all = await moves().find({}).sort({ data: 1, _id: 1 }).toArray()
    expect(lines).toHaveLength(all.length + 1)
    const first = all[0]!
    expect(lines[1]!.startsWith(`${first.data.toISOString().slice(0, 19).replace('T', ' ')},`)).toBe(true)
    const last = all.at(-1)!
    const lastItem = await items().findOne({ _id: last.item_id })
    expect(lines.at(-1)).toContain(`,${lastItem?.codigo ?? ''},`)
    expect(lines.at(-1)).toContain(`,${last.tipo},`)
  })
})
