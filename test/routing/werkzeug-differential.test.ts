/**
 * The router (compat/werkzeug) against the real thing: for thousands of raw request lines, what gunicorn +
 * Flask + Werkzeug decide (test/routing/url-map-oracle.py) must be what compileUrlMap(...).match decides.
 * Only request lines Node's HTTP parser accepts are compared (checked with a real node:http server): the
 * gateway never sees the others.
 *
 * Reproduce a run: ROUTING_SEED=<seed printed below> npx vitest run test/routing
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  PythonUuid,
  type PythonValue,
  type UrlMap,
  type UrlMatch,
  compileUrlMap,
  loadUrlMapFile,
  urlMapFromFile,
} from '../../compat/werkzeug/index.js'
import { pyFloatRepr } from '../../compat/werkzeug/rules.js'
import { nodeAccepts } from './node-filter.js'
import { type OracleAnswer, type OracleValue, UrlMapOracle, root } from './oracle.js'
import { type GeneratedRequest, generateRequests } from './targets.js'

// About 10 s per app on an idle machine; far more on a machine shared with other test runs.
const LONG = 240_000
const seed = process.env.ROUTING_SEED ? Number(process.env.ROUTING_SEED) : 20_250_611
console.log(`routing differential: ROUTING_SEED=${seed}`)

function sameValue(expected: OracleValue, actual: PythonValue | undefined): boolean {
  switch (expected.t) {
    case 'str':
      return actual === expected.v
    case 'int':
      return (typeof actual === 'number' && Number.isInteger(actual)) || typeof actual === 'bigint' ? String(actual) === expected.v : false
    case 'float':
      return typeof actual === 'number' && pyFloatRepr(actual) === expected.v
    case 'uuid':
      return actual instanceof PythonUuid && actual.value === expected.v
    case 'bool':
      return actual === expected.v
    case 'none':
      return actual === null
    default:
      return false
  }
}

/** null when both agree, else what differs. */
function disagreement(expected: OracleAnswer, actual: UrlMatch): string | null {
  if (expected.kind !== actual.kind) return `werkzeug ${JSON.stringify(expected)} vs router ${show(actual)}`
  if (expected.kind === 'match' && actual.kind === 'match') {
    if (expected.endpoint !== actual.endpoint || expected.rule !== actual.rule) return `werkzeug ${JSON.stringify(expected)} vs router ${show(actual)}`
    const names = new Set([...Object.keys(expected.args), ...Object.keys(actual.params)])
    for (const name of names) {
      const want = expected.args[name]
      if (!want || !sameValue(want, actual.params[name])) return `argument ${name}: werkzeug ${JSON.stringify(want)} vs router ${show(actual)}`
    }
  }
  if (expected.kind === 'redirect' && actual.kind === 'redirect' && expected.location !== actual.location) {
    return `werkzeug → ${expected.location} vs router → ${actual.location}`
  }
  if (expected.kind === 'method-not-allowed' && actual.kind === 'method-not-allowed' && expected.allowed.join() !== actual.allowed.join()) {
    return `werkzeug allows ${expected.allowed} vs router ${actual.allowed}`
  }
  return null
}

function show(value: UrlMatch): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))
}

function printable(target: string): string {
  return JSON.stringify(target.length > 120 ? `${target.slice(0, 100)}…(${target.length} chars)` : target)
}

type Run = { generated: number; nodeRefused: number; normalized: number; compared: number; kinds: Record<string, number>; failures: string[] }

async function differential(oracle: UrlMapOracle, map: UrlMap, requests: GeneratedRequest[]): Promise<Run> {
  // Python asks Werkzeug about every request while Node sorts out the ones it accepts: the two overlap.
  const asked = oracle.matchAll(requests)
  const verdicts = await nodeAccepts(requests)
  const answers = await asked
  const failures: string[] = []
  const compared: Array<{ request: GeneratedRequest; answer: OracleAnswer }> = []
  const respelled: GeneratedRequest[] = []
  verdicts.forEach((verdict, i) => {
    const request = requests[i]!
    if (!verdict.accepted) return
    // The gateway matches, and proxies, what Node hands it. Node's parser keeps the target byte for byte,
    // except that it tolerates extra spaces around it in the request line: what Node saw is compared.
    if (verdict.url !== request.target.trim() || verdict.method !== request.method) {
      failures.push(`${request.method} ${printable(request.target)}: Node saw ${verdict.method} ${printable(verdict.url)}`)
    }
    if (verdict.url === request.target) compared.push({ request, answer: answers[i]! })
    else respelled.push({ ...request, target: verdict.url })
  })
  const respelledAnswers = await oracle.matchAll(respelled)
  respelled.forEach((request, i) => compared.push({ request, answer: respelledAnswers[i]! }))
  const kinds: Record<string, number> = {}
  for (const { request, answer } of compared) {
    kinds[answer.kind] = (kinds[answer.kind] ?? 0) + 1
    const actual = map.match(request.method, request.target, { host: request.host })
    const problem = disagreement(answer, actual)
    if (problem) failures.push(`${request.method} ${printable(request.target)} (Host ${request.host}): ${problem}`)
  }
  return {
    generated: requests.length,
    nodeRefused: requests.length - compared.length,
    normalized: respelled.length,
    compared: compared.length,
    kinds,
    failures,
  }
}

function report(name: string, run: Run): string {
  return `${name}: ${run.generated} generated, ${run.nodeRefused} refused by Node's parser (${run.normalized} more respelled by it), ${run.compared} compared ${JSON.stringify(run.kinds)}, ${run.failures.length} disagreements`
}

describe('router vs Werkzeug (reference legacy app)', () => {
  let oracle: UrlMapOracle
  let map: UrlMap
  beforeAll(() => {
    oracle = new UrlMapOracle()
    map = loadUrlMapFile(path.join(root, 'routes/legacy-url-map.json'))
  })
  afterAll(() => oracle.close())

  const pairs: Array<[string, string, UrlMatch]> = [
    ['POST', '/api/%6dovimentacoes', { kind: 'match', endpoint: 'api_movimentacoes.registrar', rule: '/api/movimentacoes', params: {} }],
    ['POST', '/api/movimentacoes', { kind: 'match', endpoint: 'api_movimentacoes.registrar', rule: '/api/movimentacoes', params: {} }],
    ['GET', '/api/movimentacoes?pagina=2', { kind: 'match', endpoint: 'api_movimentacoes.listar', rule: '/api/movimentacoes', params: {} }],
    ['GET', '//api/movimentacoes', { kind: 'match', endpoint: 'api_movimentacoes.listar', rule: '/api/movimentacoes', params: {} }],
    ['GET', 'http://other.host/api/dashboard', { kind: 'match', endpoint: 'api_dashboard.dashboard', rule: '/api/dashboard', params: {} }],
    ['GET', '/api/estoque/itens/0123456789abcdef01234567/', { kind: 'not-found' }],
    ['GET', '/api/estoque/itens/0123456789abcdef01234567', { kind: 'match', endpoint: 'api_estoque.obter_item', rule: '/api/estoque/itens/<item_id>', params: { item_id: '0123456789abcdef01234567' } }],
    ['GET', '/api/estoque/itens/a%2Fb', { kind: 'not-found' }],
    ['GET', '/api/estoque/itens/%C3%A9', { kind: 'match', endpoint: 'api_estoque.obter_item', rule: '/api/estoque/itens/<item_id>', params: { item_id: 'é' } }],
    ['GET', '/api/estoque/itens/%FF', { kind: 'match', endpoint: 'api_estoque.obter_item', rule: '/api/estoque/itens/<item_id>', params: { item_id: '\ufffd' } }],
    ['GET', '/api//movimentacoes?x=1', { kind: 'redirect', location: 'http://estoque.test/api/movimentacoes?x=1' }],
    ['GET', '/estoque', { kind: 'redirect', location: 'http://estoque.test/estoque/' }],
    ['GET', '/api/movimentacoes/', { kind: 'not-found' }],
    ['PATCH', '/api/movimentacoes', { kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'OPTIONS', 'POST'] }],
    ['GET', '/api/./movimentacoes', { kind: 'not-found' }],
    ['GET', '/API/movimentacoes', { kind: 'not-found' }],
    ['GET', '/api/movimentacoes;x', { kind: 'not-found' }],
    ['GET', '/api/mov\u00e9', { kind: 'bad-request', reason: 'invalid request target' }],
    ['GET', '*', { kind: 'bad-request', reason: 'asterisk-form without OPTIONS' }],
  ]
  it.each(pairs)('%s %s', async (method, target, expected) => {
    const [answer] = await oracle.matchAll([{ method, target, host: 'estoque.test' }])
    const actual = map.match(method, target, { host: 'estoque.test' })
    expect(disagreement(answer!, actual)).toBeNull()
    if (expected.kind === 'bad-request') expect(actual.kind).toBe('bad-request')
    else expect(actual).toEqual(expected)
  })

  it('the committed url map is the one the oracle app has', async () => {
    const exported = await oracle.export()
    expect(map.rules).toEqual(urlMapFromFile(exported).rules)
  })

  it(`agrees on every generated request line (seed ${seed})`, async () => {
    const requests = generateRequests(map.rules, seed, 150)
    const run = await differential(oracle, map, requests)
    console.log(report('legacy app', run))
    expect(run.failures.slice(0, 20), report('legacy app', run)).toEqual([])
    expect(run.compared).toBeGreaterThan(2500)
  }, LONG)
})

describe('router vs Werkzeug (every converter and option: test/routing/zoo_app.py)', () => {
  let oracle: UrlMapOracle
  let map: UrlMap
  beforeAll(async () => {
    oracle = new UrlMapOracle({ spec: 'zoo_app:create_app', appPath: path.join(root, 'test/routing') })
    const { rules, options } = urlMapFromFile(await oracle.export())
    map = compileUrlMap(rules, options)
  }, LONG)
  afterAll(() => oracle.close())

  it(`agrees on every generated request line (seed ${seed})`, async () => {
    const requests = generateRequests(map.rules, seed + 1, 100)
    const run = await differential(oracle, map, requests)
    console.log(report('zoo app', run))
    expect(run.failures.slice(0, 20), report('zoo app', run)).toEqual([])
    expect(run.compared).toBeGreaterThan(2500)
  }, LONG)
})
