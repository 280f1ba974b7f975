// The parity corpus: requests sent to the legacy app and to the gateway, whose answers must be equal.
// Pure data. Placeholders, resolved by the runner from the seeded database and the real clock:
//   {ACTIVE}     an active item's id              {ACTIVE_UPPER} the same id in uppercase hex
//   {INACTIVE}   an inactive item's id            {LOW}          an active item with little stock
//   {ORPHAN}     id in movements of a deleted item {UNKNOWN}      a valid id naming nothing
//   {D-n}        today minus n days, YYYY-MM-DD    {D-n:short}    same without leading zeros
//   {D-n:arabic} same with Arabic-Indic digits     {ACTIVE_JSON} etc.: not used; bodies are raw text
// `body` is the raw request body (text); `bodyBytes` makes a JSON body of that many bytes instead.

import { routeReadCases, routeWriteCases } from './route-cases.js'

export type ParityCase = {
  name: string
  /** Any method, sent as is. */
  method: string
  /** Path and raw query (the request target), sent byte for byte. */
  target: string
  headers?: Record<string, string>
  body?: string
  bodyBytes?: number
  /** Send without the session cookie. */
  anonymous?: boolean
  /**
   * `shared`: both apps on one database (the default for GET/HEAD). `twins`: twin databases with the same
   * seed, the legacy app on one and the gateway on the other, applied in corpus order; the resulting
   * documents are compared too (the default for every other method).
   */
  fixture?: 'shared' | 'twins'
  /** JSON paths (dot-separated) of generated values (ids, timestamps): checked for their form, not their value. */
  generated?: readonly string[]
  /**
   * A deliberate difference (docs/compatibility.md): the legacy app answers `legacyStatus` (its bug, still
   * checked to be there), the gateway answers exactly `gateway` instead.
   */
  deliberate?: { legacyStatus: number; gateway: { status: number; body: string } }
}

/** Values each side generates on a successful movement POST. */
export const MOVEMENT_GENERATED = ['movimentacao._id', 'movimentacao.data', 'item.atualizado_em'] as const

export const request = (method: string, name: string, target: string, extra: Partial<ParityCase> = {}): ParityCase => ({ name, method, target, ...extra })
const get = (name: string, target: string, extra: Partial<ParityCase> = {}) => request('GET', name, target, extra)

const JSON_CT = { 'content-type': 'application/json' }
const post = (name: string, body: string, headers: Record<string, string> = JSON_CT): ParityCase =>
  request('POST', name, '/api/movimentacoes', { headers, body, generated: MOVEMENT_GENERATED })

const H = '/api/estoque/hierarquia'
const M = '/api/movimentacoes'
const D = '/api/dashboard'
const emoji = (n: number) => '😀'.repeat(n)

/** Read-only cases: both apps on the same database. */
export const readCases: ParityCase[] = [
  request('HEAD', 'dashboard: HEAD', D),
  // --- GET /api/relatorios/movimentacoes.csv (its own edge cases: test/parity/report.test.ts)
  get('relatorio: CSV of every movement', '/api/relatorios/movimentacoes.csv'),
  get('relatorio: CSV without session → 401', '/api/relatorios/movimentacoes.csv', { anonymous: true }),
  request('HEAD', 'hierarquia: HEAD with a bad parameter → 400', `${H}?incluir_inativos=talvez`),
  // --- GET /api/estoque/hierarquia
  get('hierarquia: default (active only)', H),
  get('hierarquia: incluir_inativos=true', `${H}?incluir_inativos=true`),
  get('hierarquia: incluir_inativos=SIM (case-insensitive)', `${H}?incluir_inativos=SIM`),
  get('hierarquia: incluir_inativos=1', `${H}?incluir_inativos=1`),
  get('hierarquia: incluir_inativos=NaO', `${H}?incluir_inativos=NaO`),
  get('hierarquia: incluir_inativos=talvez → 400', `${H}?incluir_inativos=talvez`),
  get('hierarquia: incluir_inativos empty → 400', `${H}?incluir_inativos=`),
  get('hierarquia: incluir_inativos without = → 400', `${H}?incluir_inativos`),
  get('hierarquia: percent-encoded value tru%65', `${H}?incluir_inativos=tru%65`),
  get('hierarquia: repeated param, first wins', `${H}?incluir_inativos=true&incluir_inativos=bogus`),
  get('hierarquia: repeated param, bad first wins', `${H}?incluir_inativos=bogus&incluir_inativos=true`),
  get('hierarquia: categoria=Elétrica', `${H}?categoria=El%C3%A9trica&incluir_inativos=true`),
  get('hierarquia: categoria=Sem categoria (plus as space)', `${H}?categoria=Sem+categoria&incluir_inativos=1`),
  get('hierarquia: unknown categoria → empty tree', `${H}?categoria=Inexistente`),
  get('hierarquia: empty categoria counts as absent', `${H}?categoria=`),
  get('hierarquia: categoria[$ne] is just another key', `${H}?categoria%5B%24ne%5D=x`),
  get('hierarquia: categoria with invalid UTF-8 escape', `${H}?categoria=%FF%C3`),
  get('hierarquia: astral and fullwidth categories in code-point order', `${H}?incluir_inativos=true&x=%F0%9F%98%80`),

  // --- GET /api/movimentacoes
  get('movimentacoes: default page', M),
  get('movimentacoes: pagina=2', `${M}?pagina=2`),
  get('movimentacoes: pagina=abc → default', `${M}?pagina=abc`),
  get('movimentacoes: pagina=" 2" (surrounding space ok)', `${M}?pagina=%202%20`),
  get('movimentacoes: pagina=1_0 (underscore)', `${M}?pagina=1_0`),
  get('movimentacoes: pagina=1__0 → default', `${M}?pagina=1__0`),
  get('movimentacoes: pagina=٣ (Arabic-Indic digit)', `${M}?pagina=%D9%A3`),
  get('movimentacoes: pagina=+2', `${M}?pagina=%2B2`),
  get('movimentacoes: pagina=+2 unescaped plus is a space', `${M}?pagina=+2`),
  get('movimentacoes: pagina=-3 → 1', `${M}?pagina=-3`),
  get('movimentacoes: pagina=0 → 1', `${M}?pagina=0`),
  get('movimentacoes: pagina past the end', `${M}?pagina=999`),
  get('movimentacoes: pagina beyond 2^53 whose skip passes int64 → 400 (the legacy crashes)', `${M}?pagina=123456789012345678901`, {
    deliberate: { legacyStatus: 500, gateway: { status: 400, body: '{"erro":"P\\u00e1gina inv\\u00e1lida"}\n' } },
  }),
  get('movimentacoes: pagina=2.0 → default', `${M}?pagina=2.0`),
  get('movimentacoes: pagina empty → default', `${M}?pagina=`),
  get('movimentacoes: por_pagina=0 → 1', `${M}?por_pagina=0`),
  get('movimentacoes: por_pagina=101 → 100', `${M}?por_pagina=101`),
  get('movimentacoes: por_pagina=-5 → 1', `${M}?por_pagina=-5`),
  get('movimentacoes: por_pagina=7&pagina=3', `${M}?por_pagina=7&pagina=3`),
  get('movimentacoes: repeated pagina, first wins', `${M}?pagina=2&pagina=5`),
  get('movimentacoes: item filter', `${M}?item={ACTIVE}`),
  get('movimentacoes: item in uppercase hex', `${M}?item={ACTIVE_UPPER}`),
  get('movimentacoes: unknown valid item → empty', `${M}?item={UNKNOWN}`),
  get('movimentacoes: deleted item → null codigo/nome', `${M}?item={ORPHAN}`),
  get('movimentacoes: item=xyz → 400', `${M}?item=xyz`),
  get('movimentacoes: item with 25 hex → 400', `${M}?item={ACTIVE}0`),
  get('movimentacoes: empty item counts as absent', `${M}?item=&por_pagina=3`),
  get('movimentacoes: item[$ne] injection is an unrelated key', `${M}?item%5B%24ne%5D=x&por_pagina=5`),
  get('movimentacoes: item[$ne] unescaped brackets', `${M}?item[$ne]=x&por_pagina=5`),
  get('movimentacoes: tipo=entrada', `${M}?tipo=entrada`),
  get('movimentacoes: tipo=ajuste', `${M}?tipo=ajuste&por_pagina=100`),
  get('movimentacoes: tipo=ENTRADA → 400', `${M}?tipo=ENTRADA`),
  get('movimentacoes: empty tipo counts as absent', `${M}?tipo=&por_pagina=2`),
  get('movimentacoes: bad item wins over bad tipo', `${M}?tipo=x&item=y`),
  get('movimentacoes: bad tipo wins over bad dates', `${M}?inicio=x&fim=y&tipo=z`),
  get('movimentacoes: bad inicio wins over bad fim', `${M}?fim=y&inicio=x`),
  get('movimentacoes: period of the last 7 days', `${M}?inicio={D-7}&fim={D-0}&por_pagina=100`),
  get('movimentacoes: single-digit month and day', `${M}?inicio={D-20:short}&fim={D-3:short}`),
  get('movimentacoes: Arabic-Indic digits in month/day → 400', `${M}?inicio={D-10:arabic}&fim={D-1:arabic}`),
  get('movimentacoes: Arabic-Indic digits in year and day units', `${M}?inicio=%D9%A2%D9%A0%D9%A2%D9%A0-01-1%D9%A3&por_pagina=3`),
  get('movimentacoes: day with a leading space', `${M}?inicio=2020-01-%205`),
  get('movimentacoes: inicio after fim → empty', `${M}?inicio={D-1}&fim={D-5}`),
  get('movimentacoes: Feb 30 → 400', `${M}?inicio=2026-02-30`),
  get('movimentacoes: month 13 → 400 (fim)', `${M}?fim=2026-13-01`),
  get('movimentacoes: year 0 → 400', `${M}?inicio=0000-01-01`),
  get('movimentacoes: year 0001 is valid', `${M}?inicio=0001-01-01&por_pagina=1`),
  get('movimentacoes: trailing data → 400', `${M}?fim=2026-01-01T00`),
  get('movimentacoes: leading space on the year → 400', `${M}?inicio=%202026-01-01`),
  get('movimentacoes: datetime.max + 1 day → 400 (the legacy crashes)', `${M}?fim=9999-12-31`, {
    deliberate: { legacyStatus: 500, gateway: { status: 400, body: '{"erro":"Data inv\\u00e1lida: fim"}\n' } },
  }),
  get('movimentacoes: inicio=9999-12-31 is a valid, empty period', `${M}?inicio=9999-12-31`),
  get('movimentacoes: pagina past int64 → 400 (the legacy crashes)', `${M}?pagina=99999999999999999999999`, {
    deliberate: { legacyStatus: 500, gateway: { status: 400, body: '{"erro":"P\\u00e1gina inv\\u00e1lida"}\n' } },
  }),
  get('movimentacoes: skip past int64 → 400 (the legacy crashes)', `${M}?pagina=461168601842738790&por_pagina=100`, {
    deliberate: { legacyStatus: 500, gateway: { status: 400, body: '{"erro":"P\\u00e1gina inv\\u00e1lida"}\n' } },
  }),
  get('movimentacoes: Feb 29 of a leap year', `${M}?inicio=2024-02-29&por_pagina=1`),
  get('movimentacoes: empty dates count as absent', `${M}?inicio=&fim=&por_pagina=1`),

  // --- GET /api/dashboard
  get('dashboard', D),
  get('dashboard with ignored query', `${D}?x=1&pagina=abc`),

  // --- authentication
  get('hierarquia without session → 401', H, { anonymous: true }),
  get('movimentacoes without session → 401', `${M}?item=xyz`, { anonymous: true }),
  get('dashboard without session → 401', D, { anonymous: true }),
  get('dashboard with a forged session cookie → 401', D, { anonymous: true, headers: { cookie: 'session=eyJfdXNlcl9pZCI6IngifQ.forged.sig' } }),
]

/** Write cases: applied in order to twin databases (legacy on one, gateway on the other). */
export const writeCases: ParityCase[] = [
  post('entrada with an int', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 5, "observacao": "  chegada  "}'),
  post('saida with a numeric string', '{"item_id": "{ACTIVE}", "tipo": "saida", "quantidade": " 2.5 "}'),
  post('entrada "1e2" with null observacao', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": "1e2", "observacao": null}'),
  post('entrada "1_000"', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": "1_000"}'),
  post('entrada true (bool is 1.0)', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": true}'),
  post('entrada false (bool is 0.0) → 400', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": false}'),
  post('ajuste to 0', '{"item_id": "{LOW}", "tipo": "ajuste", "quantidade": 0}'),
  post('ajuste with int -0 is +0.0', '{"item_id": "{LOW}", "tipo": "ajuste", "quantidade": -0}'),
  post('ajuste to 12.75', '{"item_id": "{LOW}", "tipo": "ajuste", "quantidade": 12.75}'),
  post('saida above the stock → 400 disponivel', '{"item_id": "{LOW}", "tipo": "saida", "quantidade": 1000000}'),
  post('saida of exactly the stock', '{"item_id": "{LOW}", "tipo": "saida", "quantidade": 12.75}'),
  post('uppercase item id', '{"item_id": "{ACTIVE_UPPER}", "tipo": "entrada", "quantidade": 0.1}'),
  post('inactive item → 400', '{"item_id": "{INACTIVE}", "tipo": "entrada", "quantidade": 1}'),
  post('unknown item → 404', '{"item_id": "{UNKNOWN}", "tipo": "entrada", "quantidade": 1}'),
  post('item_id a number → Item inválido', '{"item_id": 123, "tipo": "entrada", "quantidade": 1}'),
  post('item_id missing → Item inválido', '{"tipo": "entrada", "quantidade": 1}'),
  post('bad item wins over bad tipo', '{"item_id": "x", "tipo": "x", "quantidade": "x"}'),
  post('tipo Entrada → 400', '{"item_id": "{ACTIVE}", "tipo": "Entrada", "quantidade": 1}'),
  post('quantidade null → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": null}'),
  post('quantidade missing → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada"}'),
  post('quantidade a list → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": [1]}'),
  post('quantidade "abc" → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": "abc"}'),
  post('quantidade "nan" → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": "nan"}'),
  post('quantidade NaN literal → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": NaN}'),
  post('quantidade 1e400 → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1e400}'),
  post('quantidade "-inf" → inválida', '{"item_id": "{ACTIVE}", "tipo": "ajuste", "quantidade": "-inf"}'),
  post('quantidade 0 for entrada → maior que zero', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 0}'),
  post('quantidade -1 for ajuste → maior que zero', '{"item_id": "{ACTIVE}", "tipo": "ajuste", "quantidade": -1}'),
  post('quantidade Arabic-Indic digits string', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": "\\u0663"}'),
  post('observacao a number → inválida', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1, "observacao": 5}'),
  post('observacao 501 emoji → muito longa', `{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1, "observacao": "${emoji(501)}"}`),
  post('observacao 500 emoji padded with spaces is fine', `{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1, "observacao": "  ${emoji(500)}\\n"}`),
  post('observacao padded with \\u001c and \\u0085 (Python whitespace)', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1, "observacao": "\\u001c ok \\u0085"}'),
  post('body is a list → Dados inválidos', '[1, 2]'),
  post('body is a string → Dados inválidos', '"x"'),
  post('malformed JSON → 400', '{"item_id": '),
  post('trailing comma → 400', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1,}'),
  post('empty body → 400', ''),
  post('UTF-8 BOM body is accepted', '\ufeff{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 3}'),
  post('duplicate keys: last wins', '{"item_id": "{ACTIVE}", "tipo": "saida", "tipo": "entrada", "quantidade": 2}'),
  post('text/plain → 415', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1}', { 'content-type': 'text/plain' }),
  post('no content type → 415', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 1}', {}),
  post('application/vnd.api+json is JSON', '{"item_id": "{ACTIVE}", "tipo": "entrada", "quantidade": 4}', { 'content-type': 'application/vnd.api+json' }),
  post('Application/JSON; charset=utf-8 is JSON', '{"item_id": "{ACTIVE}", "tipo": "saida", "quantidade": 4}', { 'content-type': 'Application/JSON; charset=utf-8' }),
  post('415 wins over malformed', '{', { 'content-type': 'text/json' }),
  { name: 'body over the limit → 413', method: 'POST', target: M, headers: JSON_CT, bodyBytes: 70_000 },
  { name: 'without session → 401', method: 'POST', target: M, headers: JSON_CT, body: '{}', anonymous: true },
  // Other methods on migrated paths: Werkzeug's 405 from the legacy app (proxied), its database untouched.
  request('PUT', 'PUT on the movements path → 405', M, { headers: JSON_CT, body: '{}' }),
  request('DELETE', 'DELETE on the hierarchy path → 405', H),
  request('PATCH', 'PATCH on the dashboard path → 405', D, { headers: JSON_CT, body: '{}' }),
]

/**
 * Every case, in order; the runner picks each case's fixture. Add new cases above, or in the route's own
 * file under cases/ (started by `npm run new-route`), which joins without being listed.
 */
export const parityCases: readonly ParityCase[] = [...readCases, ...writeCases, ...routeReadCases, ...routeWriteCases]
