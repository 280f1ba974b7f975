// The parity suite: every corpus case is sent to the real legacy app (gunicorn) and to the real gateway;
// status, the headers that matter and the body bytes must be equal, and the gateway must have answered
// every request to a migrated route itself. Write cases run on twin databases, whose documents must match.
import type { Db } from 'mongodb'
import { beforeAll, describe, expect, it } from 'vitest'
import { answer, comparedHeaders, HEADERS_THAT_MATTER, isNewId, maskGenerated, storedForm, type Answer } from './compare.js'
import { parityCases, type ParityCase } from './corpus.js'
import { migratedRoutes, routeOf } from './migrated-routes.js'
import { buildRequest, placeholders, type Placeholders } from './resolve.js'
import { useStack } from './stack.js'

const stack = useStack({ prefix: 'parity', twins: true })
let values: Placeholders
beforeAll(async () => {
  values = await placeholders(stack().shared.db)
})

const fixtureOf = (testCase: ParityCase) => testCase.fixture ?? (testCase.method === 'GET' || testCase.method === 'HEAD' ? 'shared' : 'twins')
const figures = { cases: 0, bytes: 0 }

async function send(baseUrl: string, testCase: ParityCase): Promise<Answer> {
  const { path, init } = buildRequest(testCase, values, stack().cookie)
  return answer(await fetch(baseUrl + path, init))
}

function expectSameAnswer(testCase: ParityCase, gateway: Answer, legacy: Answer, log: () => string) {
  if (testCase.deliberate) return expectDeliberateDifference(testCase, gateway, legacy)
  const headers = comparedHeaders(gateway, legacy)
  const shown = (side: Answer, h: Record<string, string>) => ({ status: side.status, headers: h, body: maskGenerated(side.text, testCase.generated) })
  expect(shown(gateway, headers.gateway), gateway.status >= 500 ? `gateway log ends with:\n${log().slice(-3000)}` : undefined).toEqual(shown(legacy, headers.legacy))
  if (!testCase.generated) expect(gateway.body.equals(legacy.body), 'body bytes').toBe(true)
  if (routeOf(testCase.method, testCase.target)) expect(gateway.upstream, 'the gateway must answer migrated routes itself').toBe('gateway')
  figures.cases++
  figures.bytes += gateway.body.length + legacy.body.length
}

/** The legacy app still has the bug the case names; the gateway answers what the case says instead. */
function expectDeliberateDifference(testCase: ParityCase, gateway: Answer, legacy: Answer) {
  const { legacyStatus, gateway: expected } = testCase.deliberate!
  expect(legacy.status, 'the legacy app still answers this').toBe(legacyStatus)
  expect({ status: gateway.status, body: gateway.text, type: gateway.headers['content-type'] }).toEqual({ ...expected, type: 'application/json' })
  if (routeOf(testCase.method, testCase.target)) expect(gateway.upstream, 'the gateway must answer migrated routes itself').toBe('gateway')
  figures.cases++
}

describe('parity corpus', () => {
  it('is large enough, names every case once, and covers every migrated route', () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(40)
    expect(new Set(parityCases.map((c) => c.name)).size).toBe(parityCases.length)
    const uncovered = migratedRoutes.filter((route) => !parityCases.some((c) => routeOf(c.method, c.target) === route))
    expect(uncovered).toEqual([])
    expect(HEADERS_THAT_MATTER).toContain('content-type')
  })
})

describe('read parity (one database, both apps)', () => {
  const cases = parityCases.filter((c) => fixtureOf(c) === 'shared')
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const { legacy: app, gateway } = stack().shared
    const [legacy, ours] = await Promise.all([send(app.url, testCase), send(gateway.url, testCase)])
    expectSameAnswer(testCase, ours, legacy, () => gateway.output())
  })
})

describe('write parity (twin databases, applied in order)', () => {
  const since = () => stack().now
  const state = async (db: Db) => ({
    // Items created by a case get a different _id on each twin: matched by codigo, their _id shown as "new".
    itens: storedForm(
      (await db.collection('itens').find({}, { promoteValues: false }).sort({ codigo: 1, _id: 1 }).toArray()).map((item) =>
        isNewId(item._id.toHexString(), since()) ? { ...item, _id: 'new' } : item,
      ),
      since(),
      ['atualizado_em', 'criado_em'],
    ),
    novas: storedForm(
      (await db.collection('movimentacoes').find({ data: { $gt: since() } }, { promoteValues: false }).sort({ data: 1 }).toArray()).map(({ _id, ...rest }) => rest),
      since(),
      ['data'],
    ),
  })
  const cases = parityCases.filter((c) => fixtureOf(c) === 'twins')
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, testCase) => {
    const twins = stack().twins!
    const legacy = await send(twins.legacy.legacy.url, testCase)
    const ours = await send(twins.gateway.gateway.url, testCase)
    expectSameAnswer(testCase, ours, legacy, () => twins.gateway.gateway.output())
    const [legacyState, gatewayState] = await Promise.all([state(twins.legacy.db), state(twins.gateway.db)])
    expect(gatewayState).toEqual(legacyState)
  })

  it('reports its figures', () => {
    console.log(`parity: ${figures.cases} cases compared, ${figures.bytes} body bytes, 0 differences`)
    expect(figures.cases).toBe(parityCases.length)
  })
})
