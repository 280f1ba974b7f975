// Parity of GET /api/relatorios/movimentacoes.csv: the real legacy app and the real gateway on one database;
// same status, same headers that matter, same bytes (gzip bodies compared decompressed).
import { gunzipSync } from 'node:zlib'
import { Double, Int32, Long, ObjectId, type Db } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { rawRequest, type RawResponse } from '../proxy/support.js'
import { addParityFixtures } from './fixtures.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'parity_report', seed: async (db) => { await seed(db, { now: new Date() }); await addParityFixtures(db, new Date()); await addReportFixtures(db) }, gateway: { env: { LOG_LEVEL: 'warn' } } })

const REPORT = '/api/relatorios/movimentacoes.csv'

/** Movements whose cells exercise csv.writer quoting and Python's str() of every number kind. */
async function addReportFixtures(db: Db): Promise<void> {
  const item = new ObjectId('5e0be10009000000000000a1')
  const at = (n: number) => new Date(Date.UTC(2020, 0, 1, 0, 0, n))
  await db.collection('itens').insertOne({ _id: item, codigo: 'Q,1 "aspas"', nome: 'linha\r\nquebrada', quantidade: 1, estoque_minimo: 0, ativo: true })
  await db.collection('itens').insertOne({ _id: new ObjectId('5e0be10009000000000000a2'), codigo: 'SEM-NOME', quantidade: 0, estoque_minimo: 0, ativo: true })
  const base = { item_id: item, tipo: 'entrada' }
  await db.collection('movimentacoes').insertMany([
    { ...base, data: at(1), quantidade: new Double(1e16), estoque_anterior: new Double(-0), estoque_posterior: new Double(1e16), usuario: 'a,b', observacao: 'diz "oi"' },
    { ...base, data: at(2), quantidade: new Double(0.1), estoque_anterior: new Double(1e-5), estoque_posterior: new Double(123456789.125), observacao: 'só\nLF' },
    { ...base, data: at(3), quantidade: new Int32(7), estoque_anterior: Long.fromString('9007199254740993'), estoque_posterior: null, usuario: null, observacao: 'CR\ronly' },
    { ...base, data: new Date(Date.UTC(2020, 0, 1, 0, 0, 3, 999)), tipo: 'saida', quantidade: new Double(2.5), observacao: ' espaços , ' },
    { item_id: new ObjectId('5e0be10009000000000000a2'), data: at(4), tipo: 'ajuste', quantidade: true, estoque_anterior: false, estoque_posterior: new Double(Infinity), usuario: '😀', observacao: '' },
    { item_id: 'não é ObjectId', data: at(5), tipo: 'entrada', quantidade: new Double(NaN) },
    { item_id: item, data: new Date(Date.UTC(5, 1, 2, 3, 4, 5)), tipo: 'entrada', quantidade: 1 },
  ])
}

async function both(headers: Record<string, string>, method = 'GET'): Promise<{ via: RawResponse; direct: RawResponse }> {
  const [via, direct] = await Promise.all([rawRequest(stack().gateway.url, { method, target: REPORT, headers }), rawRequest(stack().legacy.url, { method, target: REPORT, headers })])
  return { via, direct }
}

const plain = (response: RawResponse) => (response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.body) : response.body)

function expectSameReport(via: RawResponse, direct: RawResponse) {
  expect(via.headers['x-gateway-upstream']).toBe('gateway')
  expect(via.status).toBe(direct.status)
  for (const name of ['content-type', 'content-disposition', 'vary', 'content-encoding', 'content-length']) {
    expect([name, via.headers[name]]).toEqual([name, direct.headers[name]])
  }
  expect(plain(via).toString('utf8')).toBe(plain(direct).toString('utf8'))
  expect(plain(via).equals(plain(direct)), 'byte for byte').toBe(true)
}

describe('GET /api/relatorios/movimentacoes.csv parity', () => {
  it('identity: same headers, same bytes (quoting, CRLF, str() of numbers, missing fields, orphans)', async () => {
    const { via, direct } = await both({ cookie: stack().cookie, 'accept-encoding': 'identity' })
    expect(direct.status).toBe(200)
    expectSameReport(via, direct)
    const text = via.body.toString('utf8')
    expect(text.startsWith('data,item_codigo,item_nome,tipo,quantidade,estoque_anterior,estoque_posterior,usuario,observacao\r\n')).toBe(true)
    expect(text).toContain('1e+16')
    expect(text).toContain('"linha\r\nquebrada"')
  })

  it.each([
    ['gzip'], ['gzip, deflate, br'], ['GZIP'], ['gzip;q=0'], ['*'], ['*;q=0'], ['br'], ['identity'], ['gzip;q=2'], ['gzip;x=1'], [''],
  ])('Accept-Encoding %j: compressed exactly when the legacy compresses, same decompressed bytes', async (acceptEncoding) => {
    const { via, direct } = await both({ cookie: stack().cookie, 'accept-encoding': acceptEncoding })
    expectSameReport(via, direct)
  })

  it('no Accept-Encoding header at all', async () => {
    const { via, direct } = await both({ cookie: stack().cookie })
    expectSameReport(via, direct)
  })

  it('query strings change nothing (the legacy report has no filters)', async () => {
    const target = `${REPORT}?item=x&inicio=2020-01-01&tipo=saida`
    const [via, direct] = await Promise.all([rawRequest(stack().gateway.url, { target, headers: { cookie: stack().cookie } }), rawRequest(stack().legacy.url, { target, headers: { cookie: stack().cookie } })])
    expectSameReport(via, direct)
  })

  it('HEAD: same status and headers, no body', async () => {
    const { via, direct } = await both({ cookie: stack().cookie, 'accept-encoding': 'gzip' }, 'HEAD')
    expect(via.status).toBe(direct.status)
    for (const name of ['content-type', 'content-disposition', 'vary', 'content-encoding']) expect(via.headers[name]).toBe(direct.headers[name])
    expect(via.body.length).toBe(0)
  })

  it('without a session: the same 401', async () => {
    const { via, direct } = await both({})
    expect(via.status).toBe(401)
    expect(via.body.toString()).toBe(direct.body.toString())
    expect(via.headers['content-type']).toBe(direct.headers['content-type'])
  })
})
