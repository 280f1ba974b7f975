// The parity suite: every corpus case is sent to the real legacy app (gunicorn) and to the real gateway;
// status, content type and JSON must be equal, and the gateway must have answered itself.
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient, type Db } from 'mongodb'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { seed } from '../../scripts/seed/index.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { login } from '../support/login.js'
import { testDbName } from '../support/mongo.js'
import { answer, canonical, storedForm, withoutGenerated, type Answer } from './compare.js'
import { readCases, writeCases, type ParityCase } from './corpus.js'
import { addParityFixtures } from './fixtures.js'
import { buildRequest, placeholders, type Placeholders } from './resolve.js'

const BODY_LIMIT = 65_536

type Pair = { legacy: LegacyApp; gateway: GatewayProcess; db: Db; dbName: string }

let client: MongoClient
let now: Date
let read: Pair
let twinLegacy: Pair
let twinGateway: Pair
let cookie: string
let values: Placeholders
const started: { stop(): Promise<unknown> }[] = []

async function seededDb(prefix: string): Promise<{ db: Db; dbName: string }> {
  const dbName = testDbName(prefix)
  const db = client.db(dbName)
  await seed(db, { now })
  await addParityFixtures(db, now)
  return { db, dbName }
}

// The gateway falls back to the legacy app when a migrated GET fails; here its own answer must be compared.
function routesWithoutFallback(): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'parity-')), 'routes.json')
  const off = { fallback: false }
  writeFileSync(file, JSON.stringify({ routes: { 'estoque-hierarquia': off, 'movimentacoes-list': off, dashboard: off } }))
  return file
}

async function pair(prefix: string): Promise<Pair> {
  const mongoUri = inject('mongoUri')
  const { db, dbName } = await seededDb(prefix)
  const legacy = await startLegacyApp({ mongoUri, dbName, secretKey: TEST_SECRET_KEY })
  started.push(legacy)
  const gateway = await startGateway({ mongoUri, dbName, legacyUrl: legacy.url, env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), LOG_LEVEL: 'warn', ROUTES_FILE: routesWithoutFallback() }, healthTimeoutMs: 90_000 })
  started.push(gateway)
  return { legacy, gateway, db, dbName }
}

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect()
  // Both apps compute "today" from the real clock, so the data is seeded relative to the real now.
  now = new Date()
  // The legacy app reads MAX_CONTENT_LENGTH from its environment (inherited): same limit on both sides.
  process.env.MAX_CONTENT_LENGTH = String(BODY_LIMIT)
  ;[read, twinLegacy, twinGateway] = await Promise.all([pair('parity_read'), pair('parity_twin_l'), pair('parity_twin_g')])
  values = await placeholders(read.db)
  // One login at the legacy app: the cookie is valid for every app here (same SECRET_KEY, same user ids).
  cookie = await login(read.legacy.url)
})

afterAll(async () => {
  await Promise.allSettled(started.map((process) => process.stop()))
  for (const p of [read, twinLegacy, twinGateway]) await p?.db.dropDatabase().catch(() => undefined)
  await client?.close()
})

async function send(baseUrl: string, testCase: ParityCase): Promise<Answer> {
  const { path, init } = buildRequest(testCase, values, cookie)
  return answer(await fetch(baseUrl + path, init))
}

function expectSameAnswer(gateway: Answer, legacy: Answer, body: (json: unknown) => unknown = (json) => json, log = () => '') {
  expect(
    { status: gateway.status, contentType: gateway.contentType },
    gateway.status >= 500 ? `gateway answered ${gateway.text}; its log ends with:\n${log().slice(-3000)}` : undefined,
  ).toEqual({ status: legacy.status, contentType: legacy.contentType })
  expect(canonical(body(gateway.json))).toEqual(canonical(body(legacy.json)))
  if (body(gateway.json) === gateway.json) expect(gateway.text, 'byte for byte').toBe(legacy.text)
  expect(gateway.upstream, 'the gateway must answer migrated routes itself').toBe('gateway')
}

describe('parity corpus', () => {
  it('is large enough and names every case once', () => {
    const all = [...readCases, ...writeCases]
    expect(all.length).toBeGreaterThanOrEqual(40)
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length)
  })
})

describe('GET parity (one database, both apps)', () => {
  it.each(readCases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const [legacy, gateway] = await Promise.all([send(read.legacy.url, testCase), send(read.gateway.url, testCase)])
    expectSameAnswer(gateway, legacy, undefined, () => read.gateway.output())
  })
})

describe('POST parity (twin databases, applied in order)', () => {
  const state = async (db: Db) => ({
    itens: storedForm(await db.collection('itens').find({}, { promoteValues: false }).sort({ _id: 1 }).toArray(), now, ['atualizado_em']),
    novas: storedForm(
      (await db.collection('movimentacoes').find({ data: { $gt: now } }, { promoteValues: false }).sort({ data: 1 }).toArray()).map(({ _id, ...rest }) => rest),
      now,
      ['data'],
    ),
  })

  it.each(writeCases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const legacy = await send(twinLegacy.legacy.url, testCase)
    const gateway = await send(twinGateway.gateway.url, testCase)
    expectSameAnswer(gateway, legacy, withoutGenerated, () => twinGateway.gateway.output())
    const [legacyState, gatewayState] = await Promise.all([state(twinLegacy.db), state(twinGateway.db)])
    expect(gatewayState).toEqual(legacyState)
  })
})
