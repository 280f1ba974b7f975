import type { ParityCase } from '../corpus.js'

// Parity cases of PUT /api/estoque/itens/<item_id> (route `estoque-itens-update`), applied in order to twin
// databases after the create and delete cases.
const JSON_CT = { 'content-type': 'application/json' }
const put = (name: string, id: string, body: string, headers: Record<string, string> = JSON_CT): ParityCase => ({
  name: `alterar item: ${name}`,
  method: 'PUT',
  target: `/api/estoque/itens/${id}`,
  headers,
  body,
  generated: ['atualizado_em'],
})

export const readCases: ParityCase[] = []

export const writeCases: ParityCase[] = [
  put('nome, stripped', '{ACTIVE}', '{"nome": "  Renomeado \\u3000"}'),
  put('estoque_minimo from a string', '{ACTIVE}', '{"estoque_minimo": " 2.5 "}'),
  put('estoque_minimo null → 0.0', '{ACTIVE}', '{"estoque_minimo": null}'),
  put('estoque_minimo true → 1.0', '{ACTIVE}', '{"estoque_minimo": true}'),
  put('quantidade is ignored', '{ACTIVE}', '{"quantidade": 0, "ativo": false, "codigo": "HACK"}'),
  put('unidade, categoria, empty subcategoria → null', '{ACTIVE}', '{"unidade": "cx", "categoria": "  Nova  ", "subcategoria": ""}'),
  put('categoria null', '{ACTIVE}', '{"categoria": null}'),
  put('empty object: only atualizado_em', '{ACTIVE}', '{}'),
  put('uppercase id', '{ACTIVE_UPPER}', '{"nome": "Maiúsculas"}'),
  put('an inactive item can be changed', '{INACTIVE}', '{"nome": "Ainda inativo"}'),
  put('an int stock stays an int in the answer', '{LOW}', '{"nome": "Pouco estoque"}'),
  put('unicode nome', '{ACTIVE}', '{"nome": "😀 ação \\u00e9"}'),
  put('unidade null → 400', '{ACTIVE}', '{"unidade": null}'),
  put('unidade "" → 400 (no default here)', '{ACTIVE}', '{"unidade": ""}'),
  put('nome empty → 400', '{ACTIVE}', '{"nome": ""}'),
  put('nome null → 400', '{ACTIVE}', '{"nome": null}'),
  put('nome a number wins over bad unidade', '{ACTIVE}', '{"nome": 5, "unidade": "xx"}'),
  put('categoria a list → 400', '{ACTIVE}', '{"categoria": []}'),
  put('subcategoria a number → 400', '{ACTIVE}', '{"subcategoria": 1}'),
  put('estoque_minimo -1 → 400', '{ACTIVE}', '{"estoque_minimo": -1}'),
  put('estoque_minimo "nan" → 400', '{ACTIVE}', '{"estoque_minimo": "nan"}'),
  put('estoque_minimo 1e999 → 400', '{ACTIVE}', '{"estoque_minimo": 1e999}'),
  put('a valid field before a bad one is not written', '{ACTIVE}', '{"nome": "Nao gravado", "estoque_minimo": "x"}'),
  put('body a list → Dados inválidos', '{ACTIVE}', '[]'),
  put('unknown id → 404', '{UNKNOWN}', '{"nome": "X"}'),
  put('not-hex id → 404', 'xyz', '{"nome": "X"}'),
  put('unknown id wins over bad fields', '{UNKNOWN}', '{"nome": 5}'),
  put('bad id wins over bad fields', 'xyz', '{"estoque_minimo": "x"}'),
  put('not an object wins over unknown id', '{UNKNOWN}', '"x"'),
  put('415 wins over a bad id', 'xyz', '{}', { 'content-type': 'text/plain' }),
  put('malformed JSON → 400', '{ACTIVE}', '{"nome": "x"'),
  put('empty body → 400', '{ACTIVE}', ''),
  { name: 'alterar item: body over the limit → 413', method: 'PUT', target: '/api/estoque/itens/{ACTIVE}', headers: JSON_CT, bodyBytes: 70_000 },
  { name: 'alterar item: without session → 401', method: 'PUT', target: '/api/estoque/itens/{ACTIVE}', headers: JSON_CT, body: '{"nome": "X"}', anonymous: true },
]
