// Deterministic, idempotent seeder for the estoque database (shape: docs/legacy-api.md).
// Same sizes + same `now` => byte-identical documents, ObjectIds included, in any database.
import { ObjectId, type Collection, type Db, type Document } from 'mongodb'
import { CATEGORIES, OBSERVACOES, VARIANTS, type Unidade } from './catalog.js'
import { werkzeugPbkdf2, werkzeugScrypt } from './password-hash.js'

export const DEMO_USER = { email: 'demo@estoque.local', password: 'demo1234', nome: 'Usuário Demo' } as const
export const DEFAULT_ITEMS = 60
export const DEFAULT_MOVEMENTS = 600

export interface SeedOptions {
  items?: number
  movements?: number
  /** Movements are spread over the 60 days before this instant; defaults to the current time. */
  now?: Date
}

export interface SeedSummary {
  now: Date
  usuarios: number
  itens: number
  itensInativos: number
  /** Items (active or not) with quantidade < estoque_minimo. */
  itensAbaixoMinimo: number
  movimentacoes: number
  /** Movements dated on the UTC day of `now`. */
  movimentacoesHoje: number
  /** Movements whose item_id names no item. */
  movimentacoesOrfas: number
}

type Tipo = 'entrada' | 'saida' | 'ajuste'

const DAY_MS = 86_400_000
const INSERT_BATCH = 5_000
// Typical stock per unit; minimums and movement sizes scale with it.
const SCALE: Record<Unidade, [number, number]> = { un: [10, 200], m: [50, 500], kg: [5, 100], l: [5, 80], cx: [5, 60] }

/** mulberry32: tiny, fast and good enough for test data; the same seed always yields the same stream. */
class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!
  }
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      ;[values[i], values[j]] = [values[j]!, values[i]!]
    }
    return values
  }
}

// ObjectIds: a fixed timestamp (2020-01-01), a collection tag and a counter. They never depend on the clock,
// and ids created later by the apps (current timestamp) sort after every seeded one.
const OID_TIMESTAMP = '5e0be100'
const TAG = { usuario: 1, item: 2, movimentacao: 3, itemExcluido: 4 } as const
function seedId(tag: number, counter: number): ObjectId {
  return new ObjectId(OID_TIMESTAMP + tag.toString(16).padStart(2, '0') + counter.toString(16).padStart(14, '0'))
}

// Multiples of `step` stay exact in binary floating point, so every stock chain adds up exactly.
const quantize = (value: number, step: number) => Math.floor(value / step) * step

// The KDFs take about half a second; tests seed several databases in one process.
const hashCache = new Map<string, Promise<string>>()
function cachedHash(key: string, make: () => Promise<string>): Promise<string> {
  if (!hashCache.has(key)) hashCache.set(key, make())
  return hashCache.get(key)!
}

async function buildUsers(now: number): Promise<Document[]> {
  // Fixed salts (Werkzeug's 16-char alphabet) keep the hashes deterministic.
  const [demo, antigo, inativo] = await Promise.all([
    cachedHash('demo', () => werkzeugScrypt(DEMO_USER.password, 'Dm7kQ2xV9pLs4TzA')),
    cachedHash('antigo', () => werkzeugPbkdf2('antigo1234', 'Pb3nR8wYc1HuE6jK')),
    cachedHash('inativo', () => werkzeugScrypt('inativo1234', 'In5gT0vMz7QbW2eX')),
  ])
  const user = (n: number, email: string, nome: string, senha_hash: string, ativo: boolean, daysAgo: number) => ({
    _id: seedId(TAG.usuario, n),
    email,
    nome,
    senha_hash,
    ativo,
    criado_em: new Date(now - daysAgo * DAY_MS),
  })
  return [
    user(1, DEMO_USER.email, DEMO_USER.nome, demo, true, 90),
    user(2, 'antigo@estoque.local', 'Usuário Antigo (pbkdf2)', antigo, true, 900),
    user(3, 'inativo@estoque.local', 'Usuário Inativo', inativo, false, 300),
  ]
}

interface ItemPlan {
  doc: Document
  step: number
  scale: number
}

function planItems(rng: Rng, count: number, now: number): ItemPlan[] {
  const takenNames = new Set<string>()
  // A repeated product gets a variant, then a number, so names stay distinct.
  const uniqueName = (name: string) => {
    let unique = [name, ...VARIANTS.map((v) => `${name} ${v}`)].find((c) => !takenNames.has(c))
    for (let n = 2; !unique; n++) if (!takenNames.has(`${name} (${n})`)) unique = `${name} (${n})`
    takenNames.add(unique)
    return unique
  }
  const drafts = Array.from({ length: count }, () => {
    const categoria = rng.pick(CATEGORIES)
    const sub = rng.pick(categoria.subcategorias)
    const produto = rng.pick(sub.produtos)
    return { categoria, subcategoria: sub.nome, produto, nome: uniqueName(`${produto.base} ${rng.pick(produto.specs)}`) }
  })

  // Special cases land on distinct random items.
  const order = rng.shuffle([...drafts.keys()])
  const take = (n: number) => new Set(order.splice(0, n))
  // Position in these lists picks the blank form: 0 = field absent, 1 = null, 2 = "".
  const noCategory = [...take(3)]
  const noSubcategory = [...take(3)]
  const inactive = take(Math.max(1, Math.round(count * 0.05)))
  const below = take(Math.max(1, Math.round(count * 0.1)))

  const counters = new Map<string, number>()
  const plans = drafts.map((draft, i) => {
    const { unidade } = draft.produto
    const step = unidade === 'kg' || unidade === 'l' ? 0.5 : 1
    const scale = rng.int(...SCALE[unidade])
    const estoqueMinimo = Math.max(1, Math.round(scale * (0.1 + rng.next() * 0.2)))
    const quantidade = below.has(i)
      ? quantize(rng.next() * estoqueMinimo, step)
      : quantize(estoqueMinimo + rng.next() * scale, step)
    const blank = noCategory.indexOf(i)
    const prefixo = blank === -1 ? draft.categoria.prefixo : 'GER'
    const n = (counters.get(prefixo) ?? 0) + 1
    counters.set(prefixo, n)
    const criadoEm = new Date(now - (61 + rng.int(0, 300)) * DAY_MS - rng.int(0, DAY_MS - 1))
    const doc: Document = { codigo: `${prefixo}-${String(n).padStart(4, '0')}`, nome: draft.nome }
    setOrBlank(doc, 'categoria', draft.categoria.nome, blank)
    // An item without a category has no subcategory either.
    setOrBlank(doc, 'subcategoria', draft.subcategoria, blank === -1 ? noSubcategory.indexOf(i) : blank)
    Object.assign(doc, {
      unidade,
      quantidade,
      estoque_minimo: estoqueMinimo,
      ativo: !inactive.has(i),
      criado_em: criadoEm,
      atualizado_em: criadoEm,
    })
    return { doc, step, scale }
  })
  // Stored in codigo order, ids following it.
  plans.sort((a, b) => (a.doc.codigo < b.doc.codigo ? -1 : 1))
  plans.forEach((plan, i) => (plan.doc = { _id: seedId(TAG.item, i + 1), ...plan.doc }))
  return plans
}

function setOrBlank(doc: Document, field: string, value: string, blank: number): void {
  if (blank === -1) doc[field] = value
  else if (blank > 0) doc[field] = blank === 1 ? null : ''
}

/** Movement instants over the last 60 UTC days, never after `now`; the first few cover each of the last 7 days. */
function movementTimes(rng: Rng, count: number, now: number): number[] {
  const todayStart = now - (now % DAY_MS)
  const guaranteedPerDay = Math.min(5, Math.floor(count / 40))
  return Array.from({ length: count }, (_, j) => {
    const day = j < guaranteedPerDay * 7 ? j % 7 : rng.chance(0.3) ? rng.int(0, 6) : rng.int(0, 59)
    const dayStart = todayStart - day * DAY_MS
    return dayStart + Math.floor(rng.next() * Math.min(DAY_MS, now - dayStart))
  })
}

interface MovementDraft {
  data: number
  itemId: ObjectId
  tipo: Tipo
  quantidade: number
  anterior: number
  posterior: number
}

/**
 * Builds one item's history backwards from its current stock, so the last estoque_posterior is the item's
 * quantidade and each estoque_anterior equals the previous movement's estoque_posterior.
 */
function chain(rng: Rng, times: number[], itemId: ObjectId, finalStock: number, step: number, scale: number) {
  const drafts: MovementDraft[] = []
  let posterior = finalStock
  for (const data of times.sort((a, b) => b - a)) {
    let tipo: Tipo
    let quantidade: number
    let anterior: number
    // Going backwards, a high stock makes an entrada the likelier cause: keeps the walk near the item's scale.
    if (rng.chance(0.06)) {
      tipo = 'ajuste'
      quantidade = posterior
      anterior = Math.max(0, quantize(posterior + (rng.next() - 0.5) * scale * 0.2, step))
    } else if (posterior >= step && rng.chance(Math.min(0.85, Math.max(0.15, posterior / (2 * scale))))) {
      tipo = 'entrada'
      quantidade = step * rng.int(1, Math.max(1, Math.floor(Math.min(posterior, scale / 2) / step)))
      anterior = posterior - quantidade
    } else {
      tipo = 'saida'
      quantidade = step * rng.int(1, Math.max(1, Math.floor(scale / 4 / step)))
      anterior = posterior + quantidade
    }
    drafts.push({ data, itemId, tipo, quantidade, anterior, posterior })
    posterior = anterior
  }
  return drafts
}

function planMovements(rng: Rng, count: number, now: number, items: ItemPlan[]): Document[] {
  if (count > 0 && items.length === 0) throw new Error('seed: movements need at least one item')
  const times = movementTimes(rng, count, now)
  const orphans = Math.min(2, Math.floor(count / 50)) // movements of an item deleted from `itens`
  const perItem = items.map((): number[] => [])
  for (const t of times.slice(orphans)) perItem[rng.int(0, items.length - 1)]!.push(t)

  const drafts = [
    ...times.slice(0, orphans).flatMap((t, k) => chain(rng, [t], seedId(TAG.itemExcluido, k + 1), 3, 1, 10)),
    ...items.flatMap((item, i) =>
      chain(rng, perItem[i]!, item.doc._id, item.doc.quantidade, item.step, item.scale),
    ),
  ]
  // Chronological, so ids (and natural order) follow time; sort is stable for equal instants.
  drafts.sort((a, b) => a.data - b.data)
  const lastUpdate = new Map<string, number>()
  const docs = drafts.map((m, i) => {
    lastUpdate.set(m.itemId.toHexString(), m.data)
    const doc: Document = {
      _id: seedId(TAG.movimentacao, i + 1),
      item_id: m.itemId,
      tipo: m.tipo,
      quantidade: m.quantidade,
      data: new Date(m.data),
      usuario: DEMO_USER.email,
    }
    if (rng.chance(0.55)) doc.observacao = rng.pick(OBSERVACOES[m.tipo])
    return Object.assign(doc, { estoque_anterior: m.anterior, estoque_posterior: m.posterior })
  })
  for (const item of items) {
    const last = lastUpdate.get(item.doc._id.toHexString())
    if (last !== undefined) item.doc.atualizado_em = new Date(last)
  }
  return docs
}

async function replaceContents(collection: Collection, docs: Document[]): Promise<void> {
  // deleteMany rather than drop: indexes other code created on these collections survive a re-seed.
  await collection.deleteMany({})
  for (let i = 0; i < docs.length; i += INSERT_BATCH) {
    await collection.insertMany(docs.slice(i, i + INSERT_BATCH))
  }
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`seed: ${name} must be a non-negative integer`)
  return value
}

/** Replaces the contents of usuarios, itens and movimentacoes with the deterministic data set. */
export async function seed(db: Db, opts: SeedOptions = {}): Promise<SeedSummary> {
  const itemCount = checkCount('items', opts.items ?? DEFAULT_ITEMS)
  const movementCount = checkCount('movements', opts.movements ?? DEFAULT_MOVEMENTS)
  const now = (opts.now ?? new Date()).getTime()

  // Separate streams: the item set does not change when only the movement count does.
  const items = planItems(new Rng(0x5eed_0001), itemCount, now)
  const movimentacoes = planMovements(new Rng(0x5eed_0002), movementCount, now, items)
  const itens = items.map((item) => item.doc)
  const usuarios = await buildUsers(now)

  await db.collection('usuarios').createIndex({ email: 1 }, { unique: true })
  await db.collection('itens').createIndex({ codigo: 1 }, { unique: true })
  await replaceContents(db.collection('usuarios'), usuarios)
  await replaceContents(db.collection('itens'), itens)
  await replaceContents(db.collection('movimentacoes'), movimentacoes)

  const todayStart = now - (now % DAY_MS)
  const itemIds = new Set(itens.map((item) => item._id.toHexString()))
  return {
    now: new Date(now),
    usuarios: usuarios.length,
    itens: itens.length,
    itensInativos: itens.filter((item) => !item.ativo).length,
    itensAbaixoMinimo: itens.filter((item) => item.quantidade < item.estoque_minimo).length,
    movimentacoes: movimentacoes.length,
    movimentacoesHoje: movimentacoes.filter((m) => m.data.getTime() >= todayStart).length,
    movimentacoesOrfas: movimentacoes.filter((m) => !itemIds.has(m.item_id.toHexString())).length,
  }
}
