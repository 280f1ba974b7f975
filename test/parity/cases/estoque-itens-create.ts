import type { ParityCase } from '../corpus.js'

// Parity cases of POST /api/estoque/itens (route `estoque-itens-create`), applied in order to twin
// databases: answers byte for byte (generated ids and timestamps masked) and the stored items compared.
const JSON_CT = { 'content-type': 'application/json' }
/** What each side generates for a created item. */
export const ITEM_CREATED = ['_id', 'criado_em', 'atualizado_em'] as const
const post = (name: string, body: string, headers: Record<string, string> = JSON_CT): ParityCase => ({
  name: `criar item: ${name}`,
  method: 'POST',
  target: '/api/estoque/itens',
  headers,
  body,
  generated: ITEM_CREATED,
})

export const readCases: ParityCase[] = []

export const writeCases: ParityCase[] = [
  post('minimal → 201, un, zeros as floats', '{"codigo": "NOVO-1", "nome": "Novo item"}'),
  post('same codigo → 409', '{"codigo": "NOVO-1", "nome": "Outro"}'),
  post('same codigo with surrounding spaces → 409', '{"codigo": " \\u3000NOVO-1\\t", "nome": "Outro"}'),
  post('existing seeded codigo → 409', '{"codigo": "ZZZ-0001", "nome": "Outro"}'),
  post('every field, stripped, numeric strings', '{"codigo": "  NOVO-2 ", "nome": "\\u2003Cabo\\u0085", "categoria": "  Elétrica ", "subcategoria": " Cabos ", "unidade": "m", "quantidade": " 1e3 ", "estoque_minimo": "1_000"}'),
  post('booleans are numbers: true → 1.0, false → 0.0', '{"codigo": "NOVO-3", "nome": "Bool", "quantidade": true, "estoque_minimo": false}'),
  post('-0.0 is kept', '{"codigo": "NOVO-4", "nome": "Zero negativo", "quantidade": -0.0, "estoque_minimo": -0}'),
  post('a huge int becomes a float', '{"codigo": "NOVO-5", "nome": "Grande", "quantidade": 12345678901234567890, "estoque_minimo": 1e308}'),
  post('"" and null numbers → 0.0, blank categoria → null', '{"codigo": "NOVO-6", "nome": "Vazio", "quantidade": "", "estoque_minimo": null, "categoria": "   ", "subcategoria": null}'),
  post('false-y unidade → un', '{"codigo": "NOVO-7", "nome": "Unidade falsa", "unidade": 0}'),
  post('empty list unidade → un', '{"codigo": "NOVO-8", "nome": "Unidade lista", "unidade": []}'),
  post('unicode codigo and nome', '{"codigo": "ÇÃO-😀", "nome": "Ação \\ud83d\\ude00 ñ"}'),
  post('Arabic-Indic digits string quantity', '{"codigo": "NOVO-9", "nome": "Digitos", "quantidade": "\\u0663\\u0661"}'),
  post('duplicate keys: last wins', '{"codigo": "X", "codigo": "NOVO-10", "nome": "Dup", "quantidade": "x", "quantidade": 2}'),
  post('unidade UN → 400', '{"codigo": "NOVO-11", "nome": "U", "unidade": "UN"}'),
  post('unidade null → un', '{"codigo": "NOVO-11", "nome": "U", "unidade": null}'),
  post('unidade a number → 400', '{"codigo": "NOVO-12", "nome": "U", "unidade": 1}'),
  post('categoria a number → 400', '{"codigo": "NOVO-12", "nome": "C", "categoria": 5}'),
  post('subcategoria a list → 400', '{"codigo": "NOVO-12", "nome": "C", "subcategoria": ["a"]}'),
  post('quantidade "inf" → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": "inf"}'),
  post('quantidade "nan" → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": "nan"}'),
  post('quantidade NaN literal → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": NaN}'),
  post('quantidade 1e400 → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": 1e400}'),
  post('quantidade 10**400 (OverflowError) → 400', `{"codigo": "NOVO-12", "nome": "Q", "quantidade": 1${'0'.repeat(400)}}`),
  post('quantidade -1 → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": -1}'),
  post('quantidade "1__0" → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": "1__0"}'),
  post('quantidade a dict → 400', '{"codigo": "NOVO-12", "nome": "Q", "quantidade": {}}'),
  post('estoque_minimo "-inf" → 400', '{"codigo": "NOVO-12", "nome": "Q", "estoque_minimo": "-inf"}'),
  post('codigo blank → 400', '{"codigo": "  ", "nome": "N"}'),
  post('codigo a number → 400', '{"codigo": 12, "nome": "N"}'),
  post('nome missing → 400', '{"codigo": "NOVO-12"}'),
  post('nome only \\u001c (Python whitespace) → 400', '{"codigo": "NOVO-12", "nome": "\\u001c"}'),
  post('bad codigo wins over bad unidade and quantidade', '{"codigo": null, "unidade": "x", "quantidade": "x"}'),
  post('bad unidade wins over bad categoria', '{"codigo": "A", "nome": "B", "unidade": "x", "categoria": 1}'),
  post('bad categoria wins over bad quantidade', '{"codigo": "A", "nome": "B", "categoria": 1, "quantidade": "x"}'),
  post('body a list → Dados inválidos', '[{"codigo": "A", "nome": "B"}]'),
  post('body null → Dados inválidos', 'null'),
  post('malformed JSON → 400', '{"codigo": '),
  post('empty body → 400', ''),
  post('UTF-8 BOM is accepted', '\ufeff{"codigo": "NOVO-13", "nome": "BOM"}'),
  post('text/plain → 415', '{"codigo": "NOVO-14", "nome": "T"}', { 'content-type': 'text/plain' }),
  post('no content type → 415', '{"codigo": "NOVO-14", "nome": "T"}', {}),
  post('415 wins over malformed', '{', { 'content-type': 'application/x-www-form-urlencoded' }),
  post('application/merge-patch+json is JSON', '{"codigo": "NOVO-14", "nome": "T"}', { 'content-type': 'application/merge-patch+json; charset=utf-8' }),
  { name: 'criar item: body over the limit → 413', method: 'POST', target: '/api/estoque/itens', headers: JSON_CT, bodyBytes: 70_000 },
  { name: 'criar item: without session → 401', method: 'POST', target: '/api/estoque/itens', headers: JSON_CT, body: '{"codigo": "NOVO-15", "nome": "T"}', anonymous: true },
]
