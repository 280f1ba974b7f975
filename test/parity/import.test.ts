// Parity of POST /api/importar on twin databases: the same uploads to the legacy app (database A) and to
// the gateway (database B, the same seed); same status, same body bytes, same stored items.
import { Double, Int32, ObjectId, type Db } from 'mongodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { login } from '../support/login.js'
import { connectTestDb } from '../support/mongo.js'

type Twin = { db: Awaited<ReturnType<typeof connectTestDb>>; url: string; stop(): Promise<unknown> }
let legacySide: Twin
let gatewaySide: Twin
let cookie: string
const now = new Date()

beforeAll(async () => {
  const [a, b] = await Promise.all([connectTestDb('import_legacy'), connectTestDb('import_gateway')])
  await Promise.all([seed(a.db, { now }), seed(b.db, { now })])
  const legacy: LegacyApp = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: a.db.databaseName, secretKey: TEST_SECRET_KEY })
  const legacyB: LegacyApp = await startLegacyApp({ mongoUri: inject('mongoUri'), dbName: b.db.databaseName, secretKey: TEST_SECRET_KEY })
  const gateway: GatewayProcess = await startGateway({ mongoUri: inject('mongoUri'), dbName: b.db.databaseName, legacyUrl: legacyB.url, env: { LOG_LEVEL: 'warn' } })
  legacySide = { db: a, url: legacy.url, stop: () => legacy.stop() }
  gatewaySide = { db: b, url: gateway.url, stop: () => Promise.all([gateway.stop(), legacyB.stop()]) }
  cookie = await login(legacy.url)
}, 300_000)

afterAll(async () => {
  await Promise.allSettled([legacySide?.stop(), gatewaySide?.stop()])
  await Promise.allSettled([legacySide?.db.drop(), gatewaySide?.db.drop()])
})

const HEADER = 'codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo\r\n'

function multipart(file: Buffer | string, options: { field?: string; filename?: string } = {}): { body: Buffer; type: string } {
  const boundary = '----paritybound'
  const filename = options.filename === undefined ? '; filename="itens.csv"' : options.filename
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'arquivo'}"${filename}\r\nContent-Type: text/csv\r\n\r\n`
  return { body: Buffer.concat([Buffer.from(head), Buffer.from(file), Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` }
}

type Case = { name: string; body: Buffer; type?: string; prepare?: (db: Db) => Promise<unknown> }
const file = (name: string, content: Buffer | string, options?: Parameters<typeof multipart>[1]): Case => {
  const { body, type } = multipart(content, options)
  return { name, body, type }
}
const lines = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join('')

const CASES: Case[] = [
  file('good file: create', `${HEADER}IMP-1,Parafuso,Fixação,Parafusos,un,12,5\r\nIMP-2,"Fio, 2,5mm",Elétrica,,m,"3,5",10\r\n`),
  file('good file: update the same codes, a duplicate within the file', `${HEADER}IMP-1,Parafuso novo,Fixação,,UN,20,5\r\nIMP-1,Parafuso de novo,,,kg,21,1\r\nIMP-3,Novo,,,,,\r\n`),
  file('BOM, LF and CR line ends, quoted newline', `\ufeffcodigo,nome,quantidade\nIMP-4,"duas\r\nlinhas",1\rIMP-5,cinco,2\n`),
  file('extra and missing columns, blank lines', `${HEADER}\r\nIMP-6,seis,,,,1,2,extra,mais\r\n\r\n\r\nIMP-7,sete\r\nIMP-8\r\n`),
  file('bad numbers, negative, inf, nan, underscores, unicode digits, bad unidade', `${HEADER}` +
    'B-1,a,,,,abc,1\r\nB-2,b,,,,-1,1\r\nB-3,c,,,,inf,1\r\nB-4,d,,,,nan,1\r\nB-5,e,,,,1_000,1\r\nB-6,f,,,,٣,1\r\nB-7,g,,,caixa,1,1\r\nB-8,h,,,,1e400,1\r\nB-9,i,,,, 2 ,1,\r\n,sem codigo\r\n'),
  file('too many errors (over 100)', HEADER + lines(150, (i) => `E-${i},,,,,1,1\r\n`)),
  file('more than one batch of 500', HEADER + lines(1203, (i) => `L-${i % 1100},Lote ${i},,,,${i},0\r\n`)),
  file('bad header', 'code,name\r\nX,Y\r\n'),
  file('header with spaces is not the header', 'codigo , nome\r\nX,Y\r\n'),
  file('empty file', ''),
  file('not UTF-8 in the first chunk', `${HEADER}U-1,ok,,,,1,1\r\nU-2,\xe9,,,,1,1\r\n`.replace('\xe9', '') + '\xff'),
  file('not UTF-8 after the first 8192 bytes', Buffer.concat([Buffer.from(HEADER + lines(400, (i) => `V-${i},v,,,,1,1\r\n`)), Buffer.from([0xff]), Buffer.from('\r\nV-x,x\r\n')])),
  file('a truncated UTF-8 sequence at the end', Buffer.concat([Buffer.from(`${HEADER}T-1,t,,,,1,1\r\n`), Buffer.from([0xc3])])),
  file('a NUL byte and text after a closing quote', `${HEADER}N-1,"a"b\u0000c,,,,1,1\r\n`),
  file('newline in an unquoted field after a quote (CSV error)', `${HEADER}C-1,"x"\r\r\ny,,,,1,1\r\n`),
  file('blank lines before an invalid row (DictReader line_num)', `${HEADER}D-1,d,,,,1,1\r\n\r\n\n\rD-2,,,,,1,1\r\n`),
  file('only a partial BOM', Buffer.from([0xef, 0xbb])),
  {
    ...file('existing items: int, missing, null and string stocks, inactive, unchanged and changed', `${HEADER}S-1,int igual,,,,5,1\r\nS-2,int muda,,,,6,1\r\nS-3,sem quantidade,,,,0,0\r\nS-4,nula,,,,2,0\r\nS-5,texto,,,,5,0\r\nS-6,inativo,,,,7,0\r\n`),
    prepare: (db) => db.collection('itens').insertMany([
      { _id: new ObjectId(), codigo: 'S-1', nome: 's1', unidade: 'un', quantidade: new Int32(5), estoque_minimo: new Int32(1), ativo: true },
      { _id: new ObjectId(), codigo: 'S-2', nome: 's2', unidade: 'un', quantidade: new Int32(5), estoque_minimo: new Int32(1), ativo: true },
      { _id: new ObjectId(), codigo: 'S-3', nome: 's3', unidade: 'un', ativo: true },
      { _id: new ObjectId(), codigo: 'S-4', nome: 's4', unidade: 'un', quantidade: null, ativo: true },
      { _id: new ObjectId(), codigo: 'S-5', nome: 's5', unidade: 'un', quantidade: '5', ativo: true },
      { _id: new ObjectId(), codigo: 'S-6', nome: 's6', unidade: 'kg', quantidade: new Double(1.5), ativo: false },
    ]),
  },
  file('a field over the csv field size limit', `${HEADER}F-1,${'x'.repeat(131073)},,,,1,1\r\n`),
  file('an open quoted field at EOF', `${HEADER}Q-1,"aberto,,,,1,1\r\n`),
  file('field named otherwise', `${HEADER}Z-1,z\r\n`, { field: 'outro' }),
  file('no filename: a form field', `${HEADER}Z-2,z\r\n`, { filename: '' }),
  file('empty filename', `${HEADER}Z-3,z\r\n`, { filename: '; filename=""' }),
  { name: 'wrong content type', body: Buffer.from(`${HEADER}Z-4,z\r\n`), type: 'text/csv' },
  { name: 'no content type', body: Buffer.from(`${HEADER}Z-5,z\r\n`) },
  { name: 'multipart without a boundary', body: multipart(`${HEADER}Z-6,z\r\n`).body, type: 'multipart/form-data' },
  { name: 'malformed multipart: no closing boundary', body: multipart(`${HEADER}Z-7,z\r\n`).body.subarray(0, -20), type: multipart('').type },
  { name: 'urlencoded', body: Buffer.from('arquivo=x'), type: 'application/x-www-form-urlencoded' },
  { name: 'over 32 MiB', body: Buffer.alloc(32 * 1024 * 1024 + 1, 0x61), type: multipart('').type },
]

async function post(url: string, testCase: Case): Promise<{ status: number; type: string | null; text: string }> {
  const headers: Record<string, string> = { cookie }
  if (testCase.type) headers['content-type'] = testCase.type
  const response = await fetch(`${url}/api/importar`, { method: 'POST', headers, body: testCase.body })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}

async function items(db: Db) {
  const docs = await db.collection('itens').find({}, { promoteValues: false, projection: { _id: 0, criado_em: 0, atualizado_em: 0 } }).sort({ codigo: 1 }).toArray()
  return docs.map((doc) => Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, v instanceof Double ? `double:${v.value}` : v])))
}

describe('POST /api/importar parity (twin databases, applied in order)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', { timeout: 120_000 }, async (_, testCase) => {
    await testCase.prepare?.(legacySide.db.db)
    await testCase.prepare?.(gatewaySide.db.db)
    const legacy = await post(legacySide.url, testCase)
    const gateway = await post(gatewaySide.url, testCase)
    expect({ status: gateway.status, type: gateway.type, text: gateway.text }).toEqual({ status: legacy.status, type: legacy.type, text: legacy.text })
    expect(await items(gatewaySide.db.db)).toEqual(await items(legacySide.db.db))
  })
})

describe('POST /api/importar: the stock changes the gateway made are recorded (a deliberate difference)', () => {
  it('every imported item whose stock changed has an ajuste movement ending at its stock; the legacy wrote none', async () => {
    const ajustes = (db: Db) => db.collection('movimentacoes').find({ observacao: 'Importação CSV' }, { promoteValues: false }).sort({ data: 1, _id: 1 }).toArray()
    expect(await ajustes(legacySide.db.db)).toEqual([])
    const recorded = await ajustes(gatewaySide.db.db)
    // Updates of the cases above: IMP-1 twice, IMP-2..., S-2, S-3, S-4, S-5, S-6 (not S-1: 5 == 5.0).
    const byItem = new Map<string, (typeof recorded)[number]>()
    for (const movement of recorded) byItem.set(String(movement.item_id), movement)
    const items = await gatewaySide.db.db.collection('itens').find({ codigo: { $in: ['S-1', 'S-2', 'S-3', 'S-4', 'S-5', 'S-6', 'IMP-1'] } }).toArray()
    for (const item of items) {
      const last = byItem.get(String(item._id))
      if (item.codigo === 'S-1') expect(last).toBeUndefined()
      else expect({ codigo: item.codigo, tipo: last?.tipo, posterior: Number(last?.estoque_posterior) }).toEqual({ codigo: item.codigo, tipo: 'ajuste', posterior: item.quantidade })
    }
    expect(recorded.find((m) => String(m.item_id) === String(items.find((i) => i.codigo === 'S-5')!._id))?.estoque_anterior).toBe('5')
    expect(await gatewaySide.db.db.collection('itens').countDocuments({ movimentacoes_pendentes: { $exists: true } })).toBe(0)
  })
})
