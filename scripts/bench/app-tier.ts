/**
 * What the by-hand bench scripts (ab.ts, profile.ts) and the harness share: a logged-in session at the legacy
 * app, a throwaway app tier (local MongoDB-wire server, seeded, one legacy worker), and the script entry.
 */
import { MongoClient, type Db } from 'mongodb'
import { startJavaMongo, type LocalMongo } from '../local-mongo/index.js'
import { seed } from '../seed/index.js'
import { startLegacy, type DbTarget, type Running } from './contenders.js'

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
} as const
export type RouteKey = keyof typeof ROUTES
export const WRITE_ITEMS = 50

/** One request of a route, as every contender and load generator gets it; `bodies` are sent in turn. */
export type BenchRequest = { method: 'GET' | 'POST' | 'PUT'; path: string; bodies?: string[] }

export function isWriteRoute(key: RouteKey): boolean {
  return ROUTES[key].includes(' ')
}

/** The request of `key` on data whose first item is `itemId` (writeItemIds: `writeItems`). */
export function benchRequest(key: RouteKey, itemId: string, writeItems: string[]): BenchRequest {
  const [method, template] = isWriteRoute(key) ? (ROUTES[key].split(' ') as ['POST' | 'PUT', string]) : (['GET', ROUTES[key]] as const)
  const path = routePath(template, itemId)
  if (key === 'registrar') {
    return { method, path, bodies: writeItems.map((id) => JSON.stringify({ item_id: id, tipo: 'entrada', quantidade: 1, observacao: 'bench' })) }
  }
  if (key === 'item-update') return { method, path, bodies: [JSON.stringify({ nome: 'Item do bench', estoque_minimo: 5 })] }
  return { method, path }
}

/** The headers of `request` on top of the session's. */
export function requestHeaders(request: BenchRequest, headers: Record<string, string>): Record<string, string> {
  return request.bodies ? { ...headers, 'content-type': 'application/json' } : headers
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
