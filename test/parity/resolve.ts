import { ObjectId, type Db } from 'mongodb'
import type { ParityCase } from './corpus.js'

const DAY_MS = 86_400_000
const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩'

export type Placeholders = Record<string, string>

/** Picks the ids the corpus refers to from the seeded database. */
export async function placeholders(db: Db): Promise<Placeholders> {
  const itens = db.collection('itens')
  const active = await itens.find({ ativo: true, codigo: { $not: /^ZZZ/ } }).sort({ quantidade: -1 }).limit(1).next()
  const inactive = await itens.findOne({ ativo: false })
  const low = await itens.find({ ativo: true, codigo: { $not: /^ZZZ/ } }).sort({ quantidade: 1 }).limit(1).next()
  const orphan = await db.collection('movimentacoes').findOne({ item_id: { $nin: await itens.distinct('_id') } })
  if (!active || !inactive || !low || !orphan) throw new Error('seed lacks an active, inactive, low-stock item or an orphan movement')
  return {
    ACTIVE: String(active._id),
    ACTIVE_UPPER: String(active._id).toUpperCase(),
    INACTIVE: String(inactive._id),
    LOW: String(low._id),
    ORPHAN: String(orphan.item_id),
    UNKNOWN: new ObjectId('5e0be100ff00000000000001').toHexString(),
  }
}

function day(offset: number, style: string | undefined): string {
  const date = new Date(Date.now() - offset * DAY_MS)
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]
  const pad = (n: number) => String(n).padStart(2, '0')
  if (style === 'short') return `${y}-${m}-${d}`
  const text = `${y}-${pad(m)}-${pad(d)}`
  if (style === 'arabic') return encodeURIComponent(text.replace(/[0-9]/g, (digit) => ARABIC_INDIC[Number(digit)]!))
  return text
}

export function resolve(text: string, values: Placeholders): string {
  return text
    .replace(/\{D-(\d+)(?::(\w+))?\}/g, (_, n: string, style?: string) => day(Number(n), style))
    .replace(/\{([A-Z_]+)\}/g, (whole, name: string) => values[name] ?? whole)
}

export type ResolvedRequest = { path: string; init: RequestInit }

export function buildRequest(testCase: ParityCase, values: Placeholders, cookie: string): ResolvedRequest {
  const headers: Record<string, string> = { ...(testCase.headers ?? {}) }
  if (!testCase.anonymous) headers.cookie = cookie
  let body: string | undefined
  if (testCase.bodyBytes !== undefined) body = `{"observacao": "${'x'.repeat(testCase.bodyBytes)}"}`
  else if (testCase.body !== undefined) body = resolve(testCase.body, values)
  // Bytes, so fetch adds no content type of its own.
  const bytes = body === undefined ? undefined : new TextEncoder().encode(body)
  return { path: resolve(testCase.target, values), init: { method: testCase.method, headers, body: bytes, redirect: 'manual' } }
}
