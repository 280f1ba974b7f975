/**
 * What the by-hand bench scripts (ab.ts, profile.ts) and the harness share: a logged-in session at the legacy
 * app, a throwaway app tier (local MongoDB-wire server, seeded, one legacy worker), and the script entry.
 */
import { MongoClient, type Db } from 'mongodb'
import { startJavaMongo, type LocalMongo } from '../local-mongo/index.js'
import { seed } from '../seed/index.js'
import { startLegacy, type DbTarget, type Running } from './contenders.js'
import { SEQ } from './loadgen.js'

export const USER_AGENT = 'estoque-bench'

/** The migrated routes the bench drives: `[METHOD ]path`, GET when no method is given. */
export const ROUTES = {
  dashboard: '/api/dashboard',
  hierarquia: '/api/estoque/hierarquia',
  movimentacoes: '/api/movimentacoes?pagina=2&por_pagina=20',
  itens: '/api/estoque/itens',
  // `{item}`: the data's first item by codigo (the seed's ids differ from one run to the next).
  item: '/api/estoque/itens/{item}',
  // The writes: measured after every read of a scenario (they change what the reads return), then undone.
  // An entrada of 1 on each of the first WRITE_ITEMS items in turn (writers spread over items, as in use).
  registrar: 'POST /api/movimentacoes',
  'item-update': 'PUT /api/estoque/itens/{item}',
  // A CSV of IMPORT_ROWS items of its own: the first import creates them, every later one updates them to
  // the same values (no stock change, so no movement).
  importar: 'POST /api/importar',
  // A new item per request (its codigo numbered by the load generator), then the first item soft-deleted
  // again and again (the legacy view answers 200 for an inactive item too). Last: the created items (thousands) slow
  // every scan of the items after them, and the deletes change what the writes above read.
  'item-create': 'POST /api/estoque/itens',
  'item-delete': 'DELETE /api/estoque/itens/{item}',
} as const
export type RouteKey = keyof typeof ROUTES
export const WRITE_ITEMS = 50
export const IMPORT_ROWS = 20
const BOUNDARY = 'estoque-bench-boundary'

/**
 * One request of a route, as every contender and load generator gets it; `bodies` are sent in turn, each
 * `{seq}` in them replaced by a number unique to the request (loadgen.ts).
 */
export type BenchRequest = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; bodies?: string[]; contentType?: string }

export function isWriteRoute(key: RouteKey): boolean {
  return ROUTES[key].includes(' ')
}

/** The request of `key` on data whose first item is `itemId` (writeItemIds: `writeItems`). */
export function benchRequest(key: RouteKey, itemId: string, writeItems: string[]): BenchRequest {
  const [method, template] = isWriteRoute(key) ? (ROUTES[key].split(' ') as [BenchRequest['method'], string]) : (['GET', ROUTES[key]] as const)
  const path = routePath(template, itemId)
  if (key === 'registrar') {
    return { method, path, bodies: writeItems.map((id) => JSON.stringify({ item_id: id, tipo: 'entrada', quantidade: 1, observacao: 'bench' })) }
  }
  if (key === 'item-update') return { method, path, bodies: [JSON.stringify({ nome: 'Item do bench', estoque_minimo: 5 })] }
  if (key === 'item-create') {
    return { method, path, bodies: [JSON.stringify({ codigo: `BENCH-${SEQ}`, nome: 'Item criado pelo bench', categoria: 'Bench', subcategoria: 'Novos', unidade: 'un', quantidade: 10, estoque_minimo: 2 })] }
  }
  if (key === 'importar') return { method, path, bodies: [importUpload()], contentType: `multipart/form-data; boundary=${BOUNDARY}` }
  return { method, path }
}

/** The multipart upload of the import's CSV (CRLF line ends, as a browser's form sends it). */
function importUpload(): string {
  const rows = Array.from({ length: IMPORT_ROWS }, (_, i) => `BENCH-IMP-${String(i + 1).padStart(3, '0')},Item importado ${i + 1},Bench,Importados,un,10,2`)
  const csv = ['codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo', ...rows, ''].join('\r\n')
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="arquivo"; filename="itens.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`
}

/** The headers of `request` on top of the session's. */
export function requestHeaders(request: BenchRequest, headers: Record<string, string>): Record<string, string> {
  return request.bodies ? { ...headers, 'content-type': request.contentType ?? 'application/json' } : headers
}
// A view only the legacy app serves (every migrated route would be answered by the gateway itself).
export const LEGACY_ONLY_ROUTE = '/api/diagnostico/requisicao'

/** A route's path (or any path with `{item}` in it) for the data whose first item is `itemId`. */
export function routePath(template: string, itemId: string): string {
  return template.replace('{item}', itemId)
}

export async function firstItemId(db: Db): Promise<string> {
  const first = await db.collection('itens').findOne({}, { sort: { codigo: 1 }, projection: { _id: 1 } })
  if (!first) throw new Error('bench: the data has no item')
  return String(first._id)
}

/** The ids the writes spread over: the first `count` active items by codigo. */
export async function writeItemIds(db: Db, count = WRITE_ITEMS): Promise<string[]> {
  const items = await db.collection('itens').find({ ativo: true }, { sort: { codigo: 1 }, projection: { _id: 1 }, limit: count }).toArray()
  if (items.length === 0) throw new Error('bench: the data has no item')
  return items.map((item) => String(item._id))
}

export type Session = { cookie: string; headers: Record<string, string> }

export async function loginSession(legacyUrl: string): Promise<Session> {
  const res = await fetch(`${legacyUrl}/login`, {
    method: 'POST',
    body: new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234' }),
    headers: { 'user-agent': USER_AGENT },
    redirect: 'manual',
  })
  await res.body?.cancel()
  const cookie = res.headers.getSetCookie().map((c) => c.split(';', 1)[0]!.trim()).join('; ')
  if (res.status !== 302 || !cookie) throw new Error(`bench login failed: HTTP ${res.status}`)
  // The same User-Agent as at login: Flask-Login's session protection then leaves the session alone.
  return { cookie, headers: { cookie, 'user-agent': USER_AGENT } }
}

export type AppTier = { mongo: LocalMongo; db: DbTarget; legacy: Running; headers: Record<string, string>; itemId: string; writeItems: string[] }

/** The bench's app tier (200 items, 1000 movements) for the length of `run`, then everything stopped. */
export async function withAppTier(logDir: string, run: (tier: AppTier) => Promise<void>): Promise<void> {
  const mongo = await startJavaMongo()
  const client = await new MongoClient(mongo.uri).connect()
  try {
    const db = { uri: `${mongo.uri}?directConnection=true`, dbName: 'bench_app' }
    await seed(client.db(db.dbName), { items: 200, movements: 1000 })
    const itemId = await firstItemId(client.db(db.dbName))
    const writeItems = await writeItemIds(client.db(db.dbName))
    const legacy = await startLegacy({ logDir }, db, 1)
    try {
      await run({ mongo, db, legacy, headers: (await loginSession(legacy.url)).headers, itemId, writeItems })
    } finally {
      await legacy.proc.stop()
    }
  } finally {
    await client.close()
    await mongo.stop()
  }
}

/** A script's entry: exit 0 when `main` resolves, else print the error and exit 1. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
