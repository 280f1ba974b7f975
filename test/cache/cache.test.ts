// The dashboard / hierarchy response cache (CACHE_TTL_MS): a movement POST invalidates both so the next GET
// shows the new stock; TTL expiry; two gateway instances sharing Redis invalidate together; node:cluster
// workers sharing the in-memory cache invalidate together (IPC).
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { ObjectId } from 'mongodb'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { readJson } from '../support/http.js'
import { startRedis } from '../support/redis.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'cache', seed: (db) => seed(db, { items: 30, movements: 100 }), gateway: false })
let redis: Awaited<ReturnType<typeof startRedis>>
let item: { _id: ObjectId; codigo: string; quantidade: number }
const gateways: GatewayProcess[] = []

beforeAll(async () => {
  redis = await startRedis()
  item = (await stack().db.collection('itens').findOne({ ativo: true }, { sort: { codigo: 1 } })) as unknown as typeof item
})

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()))
  await redis?.stop()
})

async function gateway(env: Record<string, string>): Promise<GatewayProcess> {
  const started = await startGateway({ mongoUri: inject('mongoUri'), dbName: stack().dbName, legacyUrl: stack().legacy.url, env })
  gateways.push(started)
  return started
}

const get = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`, { headers: { cookie: stack().cookie } })
  expect(response.status).toBe(200)
  return readJson(response)
}
const dashboardTotal = async (base: string): Promise<number> => (await get(base, '/api/dashboard')).quantidade_total
const stockInTree = async (base: string): Promise<number> => {
  const tree = await get(base, '/api/estoque/hierarquia')
  for (const cat of tree.categorias) for (const sub of cat.subcategorias) for (const it of sub.itens) if (it.codigo === item.codigo) return it.quantidade
  throw new Error(`item ${item.codigo} not in the tree`)
}
const postEntrada = async (base: string, quantidade: number) => {
  const response = await fetch(`${base}/api/movimentacoes`, {
    method: 'POST',
    headers: { cookie: stack().cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ item_id: item._id.toHexString(), tipo: 'entrada', quantidade }),
  })
  expect(response.status).toBe(201)
  return readJson(response)
}
/** A write the gateway never sees (another app, a script): only the TTL bounds it. */
const bumpBehindTheGatewaysBack = async (delta: number) => {
  await stack().db.collection('itens').updateOne({ _id: item._id }, { $inc: { quantidade: delta } })
}
const currentStock = async (): Promise<number> => ((await stack().db.collection('itens').findOne({ _id: item._id })) as unknown as typeof item).quantidade

describe('response cache in memory', () => {
  it('serves cached bodies until a movement POST invalidates dashboard and hierarchy together', async () => {
    const gw = await gateway({ CACHE_TTL_MS: '60000' })
    const total0 = await dashboardTotal(gw.url)
    const stock0 = await stockInTree(gw.url)
    await bumpBehindTheGatewaysBack(1000)
    // Cached: the write that bypassed the gateway is not visible yet.
    expect(await dashboardTotal(gw.url)).toBe(total0)
    expect(await stockInTree(gw.url)).toBe(stock0)

    const created = await postEntrada(gw.url, 7)
    expect(created.item.quantidade).toBe(stock0 + 1000 + 7)
    expect(await stockInTree(gw.url)).toBe(stock0 + 1007)
    expect(await dashboardTotal(gw.url)).toBeCloseTo(total0 + 1007, 6)
  })

  it('expires entries after CACHE_TTL_MS', async () => {
    const gw = await gateway({ CACHE_TTL_MS: '400' })
    const stock0 = await stockInTree(gw.url)
    await bumpBehindTheGatewaysBack(3)
    expect(await stockInTree(gw.url)).toBe(stock0)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await stockInTree(gw.url)).toBe(stock0 + 3)
  })

  it('node:cluster workers (WEB_CONCURRENCY=2) invalidate each other', async () => {
    const gw = await gateway({ CACHE_TTL_MS: '60000', WEB_CONCURRENCY: '2' })
    // /healthz answers as soon as one worker listens: wait for the second, or every request lands on the first.
    const bothUp = Date.now() + 120_000
    while ((gw.output().match(/"msg":"gateway listening"/g) ?? []).length < 2 && Date.now() < bothUp) await new Promise((resolve) => setTimeout(resolve, 100))
    // One request per new connection: the cluster spreads them over both workers, each fills its own cache.
    const freshGet = () =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(`${gw.url}/api/estoque/hierarquia`, { headers: { cookie: stack().cookie }, agent: false }, (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (body += chunk))
          res.on('end', () => {
            const tree = JSON.parse(body)
            for (const cat of tree.categorias) for (const sub of cat.subcategorias) for (const it of sub.itens) if (it.codigo === item.codigo) return resolve(it.quantidade)
            reject(new Error('item not found'))
          })
        })
        req.on('error', reject)
      })
    const before = await currentStock()
    for (let i = 0; i < 6; i++) expect(await freshGet()).toBe(before)
    await bumpBehindTheGatewaysBack(11)
    await postEntrada(gw.url, 1)
    await new Promise((resolve) => setTimeout(resolve, 100)) // the IPC relay between workers
    for (let i = 0; i < 6; i++) expect(await freshGet()).toBe(before + 12)
    expect(gw.output().match(/"msg":"gateway listening"/g)).toHaveLength(2)
  })
})

describe('response cache in Redis (REDIS_URL)', () => {
  it('two gateway instances share entries and invalidate together', async () => {
    const env = { CACHE_TTL_MS: '60000', REDIS_URL: redis.url }
    const [a, b] = await Promise.all([gateway(env), gateway(env)])
    const stock0 = await stockInTree(a.url)
    const total0 = await dashboardTotal(a.url)
    await bumpBehindTheGatewaysBack(500)
    // B reads the entries A stored.
    expect(await stockInTree(b.url)).toBe(stock0)
    expect(await dashboardTotal(b.url)).toBe(total0)

    await postEntrada(a.url, 2)
    expect(await stockInTree(b.url)).toBe(stock0 + 502)
    expect(await dashboardTotal(b.url)).toBeCloseTo(total0 + 502, 6)
    expect(await stockInTree(a.url)).toBe(stock0 + 502)
  })

  it('expires Redis entries after CACHE_TTL_MS', async () => {
    // Redis database 1: the other tests' instances store their entries with a 60 s TTL in database 0.
    const gw = await gateway({ CACHE_TTL_MS: '400', REDIS_URL: `${redis.url}/1` })
    const stock0 = await stockInTree(gw.url)
    await bumpBehindTheGatewaysBack(4)
    expect(await stockInTree(gw.url)).toBe(stock0)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await stockInTree(gw.url)).toBe(stock0 + 4)
  })

  it.each([
    ['proxied to the legacy app', 'estoque-itens-update=legacy', 'legacy'],
    ['answered by the gateway (migrated)', '', 'gateway'],
  ])('an item update %s invalidates the cache too', async (_, routeModes, upstream) => {
    const gw = await gateway({ CACHE_TTL_MS: '60000', REDIS_URL: redis.url, ROUTE_MODES: routeModes })
    const nome = `Renamed by the cache test (${upstream})`
    const tree0 = await get(gw.url, '/api/estoque/hierarquia')
    expect(JSON.stringify(tree0)).not.toContain(nome)
    const response = await fetch(`${gw.url}/api/estoque/itens/${item._id.toHexString()}`, {
      method: 'PUT',
      headers: { cookie: stack().cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ nome }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe(upstream)
    await response.body?.cancel()
    expect(JSON.stringify(await get(gw.url, '/api/estoque/hierarquia'))).toContain(nome)
  })

  it('migrated item create and delete invalidate the dashboard and the tree', async () => {
    const gw = await gateway({ CACHE_TTL_MS: '60000' })
    const total0 = (await get(gw.url, '/api/dashboard')).total_itens as number
    const tree0 = JSON.stringify(await get(gw.url, '/api/estoque/hierarquia'))
    expect(tree0).not.toContain('CACHE-NEW')
    const created = await fetch(`${gw.url}/api/estoque/itens`, {
      method: 'POST',
      headers: { cookie: stack().cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ codigo: 'CACHE-NEW', nome: 'Created by the cache test', quantidade: 3 }),
    })
    expect([created.status, created.headers.get('x-gateway-upstream')]).toEqual([201, 'gateway'])
    const { _id } = (await created.json()) as { _id: string }
    expect((await get(gw.url, '/api/dashboard')).total_itens).toBe(total0 + 1)
    expect(JSON.stringify(await get(gw.url, '/api/estoque/hierarquia'))).toContain('CACHE-NEW')

    const deleted = await fetch(`${gw.url}/api/estoque/itens/${_id}`, { method: 'DELETE', headers: { cookie: stack().cookie } })
    expect([deleted.status, deleted.headers.get('x-gateway-upstream'), await deleted.text()]).toEqual([200, 'gateway', '{"ok":true}\n'])
    expect((await get(gw.url, '/api/dashboard')).total_itens).toBe(total0)
    expect(JSON.stringify(await get(gw.url, '/api/estoque/hierarquia'))).not.toContain('CACHE-NEW')
  })
})
