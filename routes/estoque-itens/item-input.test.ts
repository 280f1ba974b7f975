// The item body checks against the legacy views themselves: each body goes through the real
// `criar_item` / `atualizar_item` (Flask test client, login disabled, a stand-in for MongoDB that finds
// no codigo and one item), and the gateway's checks must give the same status, message and stored values.
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { legacyJsonText } from '../../core/legacy-json.js'
import { isPyObject, parsePythonJson } from '../../compat/python/json-decode.js'
import { checkItemChanges, checkNewItem } from './item-input.js'

const root = path.resolve(import.meta.dirname, '../..')

const ORACLE = String.raw`
import json, sys
sys.path.insert(0, 'test/legacy-app')
import estoque.api_estoque as api
from bson import ObjectId
from estoque import create_app

ITEM = {"_id": ObjectId("5e0be1000900000000000003"), "codigo": "X", "nome": "Item", "quantidade": 1, "estoque_minimo": 2}
class Itens:
    def find_one(self, *a, **k): return dict(ITEM) if a and "_id" in a[0] else None
    def insert_one(self, doc): doc["_id"] = ITEM["_id"]
    def update_one(self, *a, **k): pass
class Db: itens = Itens()
api.get_db = lambda: Db()
app = create_app({"SECRET_KEY": "x", "LOGIN_DISABLED": True, "TESTING": True})
client = app.test_client()
KEYS = ("codigo", "nome", "categoria", "subcategoria", "unidade", "quantidade", "estoque_minimo")
out = []
for method, body in json.load(sys.stdin):
    if method == "POST":
        r = client.post("/api/estoque/itens", data=body.encode(), content_type="application/json")
    else:
        r = client.put("/api/estoque/itens/5e0be1000900000000000003", data=body.encode(), content_type="application/json")
    data = r.get_json()
    if r.status_code < 300:
        data = {k: data[k] for k in KEYS if method == "POST" or (k in json.loads(body) and k not in ("codigo", "quantidade"))}
    out.append([r.status_code, json.dumps(data, sort_keys=True, separators=(",", ":"))])
print(json.dumps(out))
`

const numbers = ['5', '-0', '-0.0', '0', '2.5', '1e308', '1e309', '-1', '-1e-300', 'true', 'false', 'null', '"5"', '" 1e3 "', '"1_000"', '"1__0"', '"inf"', '"-inf"', '"nan"', '"NaN"', 'NaN', 'Infinity', '"\\u0663"', '"\\u3000 7 \\u3000"', '"\\u001c7"', '""', '" "', '"0x10"', '[1]', '{}', '123456789012345678901234567890', '1' + '0'.repeat(400), '"1e-400"', '4.9e-324']
const texts = ['null', '"  Elétrica  "', '""', '"   "', '"\\u0085x\\u00a0"', '5', 'true', '[]', '{"a": 1}', '"😀"']
const unidades = ['"un"', '"kg"', '"UN"', '" un"', 'null', '""', '0', 'false', '[]', '{}', '1', 'true', '["un"]', '"cx"']

const postBodies = [
  '[]', '"x"', '5', 'null', '{}',
  '{"codigo": "A", "nome": "B"}',
  '{"codigo": "  A  ", "nome": "\\u3000B\\u2003"}',
  '{"codigo": "", "nome": "B"}', '{"codigo": "   ", "nome": "B"}', '{"codigo": "A", "nome": "\\u001c"}', '{"codigo": 1, "nome": "B"}',
  '{"codigo": "A"}', '{"nome": "B"}', '{"codigo": ["A"], "nome": "B"}',
  '{"codigo": "A", "nome": "B", "unidade": "xx", "categoria": 5}',
  '{"codigo": "A", "nome": "B", "categoria": 5, "quantidade": "x"}',
  ...unidades.map((u) => `{"codigo": "A", "nome": "B", "unidade": ${u}}`),
  ...texts.map((t) => `{"codigo": "A", "nome": "B", "categoria": ${t}, "subcategoria": ${t}}`),
  ...texts.map((t) => `{"codigo": "A", "nome": "B", "subcategoria": ${t}}`),
  ...numbers.map((n) => `{"codigo": "A", "nome": "B", "quantidade": ${n}}`),
  ...numbers.map((n) => `{"codigo": "A", "nome": "B", "estoque_minimo": ${n}, "quantidade": 1}`),
]
const putBodies = [
  '[]', '"x"', '{}', '{"nome": "  Novo  "}', '{"nome": ""}', '{"nome": "\\u2028"}', '{"nome": null}', '{"nome": 5}',
  '{"quantidade": 99}', '{"nome": 5, "unidade": "xx"}', '{"categoria": 5, "nome": "ok"}', '{"unidade": "xx", "estoque_minimo": "x"}',
  ...unidades.map((u) => `{"unidade": ${u}}`),
  ...texts.map((t) => `{"categoria": ${t}}`),
  ...texts.map((t) => `{"subcategoria": ${t}}`),
  ...numbers.map((n) => `{"estoque_minimo": ${n}}`),
  '{"estoque_minimo": 1, "estoque_minimo": "x"}',
]

type Outcome = [number, string]

function gateway(method: 'POST' | 'PUT', body: string): Outcome {
  const dados = parsePythonJson(new TextEncoder().encode(body))
  if (method === 'POST') {
    const checked = checkNewItem(dados)
    return checked.ok ? [201, legacyJsonText(checked.value)] : [400, legacyJsonText({ erro: checked.erro })]
  }
  if (!isPyObject(dados)) return [400, legacyJsonText({ erro: 'Dados inválidos' })]
  const checked = checkItemChanges(dados)
  return checked.ok ? [200, legacyJsonText(checked.value)] : [400, legacyJsonText({ erro: checked.erro })]
}

describe('item body checks, against the legacy views', () => {
  it(`agree on ${postBodies.length} POST and ${putBodies.length} PUT bodies`, () => {
    const cases = [...postBodies.map((b) => ['POST', b] as const), ...putBodies.map((b) => ['PUT', b] as const)]
    const legacy = JSON.parse(
      execFileSync(path.join(root, '.venv/bin/python'), ['-c', ORACLE], { cwd: root, input: JSON.stringify(cases), env: { ...process.env, SECRET_KEY: 'x' } }).toString(),
    ) as Outcome[]
    const mismatches = cases
      .map(([method, body], i) => ({ method, body, legacy: legacy[i], gateway: gateway(method, body) }))
      .filter((c) => JSON.stringify(c.legacy) !== JSON.stringify(c.gateway))
    expect(mismatches).toEqual([])
  })
})
