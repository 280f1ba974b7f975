import { parsePythonFloatString } from '../../compat/python/float.js'
import { pythonStrip } from '../../compat/python/unicode.js'

/** `UNIDADES` in the legacy util.py. */
const UNIDADES = new Set(['un', 'kg', 'm', 'l', 'cx'])

export class InvalidRow extends Error {}

export type ImportedItem = {
  codigo: string
  nome: string
  categoria: string | null
  subcategoria: string | null
  unidade: string
  quantidade: number
  estoque_minimo: number
}

type Row = Map<string | null, string | string[] | null>

/** `(linha.get(name) or "")` — a missing column is None, hence ''. */
const text = (row: Row, name: string): string => {
  const value = row.get(name)
  return typeof value === 'string' ? value : ''
}

/** `_numero`: `,` as the decimal separator, Python `float()`, finite and not negative; empty is 0.0. */
function number(value: string, campo: string): number {
  const cleaned = pythonStrip(value).replaceAll(',', '.')
  if (!cleaned) return 0
  const parsed = parsePythonFloatString(cleaned)
  if (parsed === undefined || !Number.isFinite(parsed) || parsed < 0) throw new InvalidRow(`${campo} inválido: ${cleaned}`)
  return parsed
}

/** `_item_da_linha` (api_importacao.py), checks in its order and with its messages. */
export function itemFromRow(row: Row): ImportedItem {
  const codigo = pythonStrip(text(row, 'codigo'))
  const nome = pythonStrip(text(row, 'nome'))
  if (!codigo || !nome) throw new InvalidRow('codigo e nome são obrigatórios')
  const unidade = pythonStrip(text(row, 'unidade')).toLowerCase() || 'un'
  if (!UNIDADES.has(unidade)) throw new InvalidRow(`unidade inválida: ${unidade}`)
  return {
    codigo,
    nome,
    categoria: pythonStrip(text(row, 'categoria')) || null,
    subcategoria: pythonStrip(text(row, 'subcategoria')) || null,
    unidade,
    quantidade: number(text(row, 'quantidade'), 'quantidade'),
    estoque_minimo: number(text(row, 'estoque_minimo'), 'estoque_minimo'),
  }
}
