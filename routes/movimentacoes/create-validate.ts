import { isObjectIdHex } from '../../compat/bson/object-id.js'
import { pythonFloat } from '../../compat/python/float.js'
import { isPyObject, type PyJson } from '../../compat/python/json-decode.js'
import { pythonLength, pythonStrip } from '../../compat/python/unicode.js'
import { TIPOS, type Tipo } from './list-filter.js'

export type MovementInput = { itemId: string; tipo: Tipo; quantidade: number; observacao: string }
export type Checked = { ok: true; input: MovementInput } | { ok: false; erro: string }

const MAX_OBSERVACAO = 500

/** The legacy `registrar()` body checks, in their order (after JSON decoding). */
export function checkMovementBody(dados: PyJson): Checked {
  if (!isPyObject(dados)) return { ok: false, erro: 'Dados inválidos' }

  const itemId = dados.item_id
  if (typeof itemId !== 'string' || !isObjectIdHex(itemId)) return { ok: false, erro: 'Item inválido' }

  const tipo = dados.tipo
  if (typeof tipo !== 'string' || !(TIPOS as readonly string[]).includes(tipo)) return { ok: false, erro: 'Tipo inválido' }

  // `dados.get("quantidade")`: a missing key is None, which float() refuses.
  const quantidade = pythonFloat('quantidade' in dados ? dados.quantidade! : null)
  if (quantidade === undefined || !Number.isFinite(quantidade)) return { ok: false, erro: 'Quantidade inválida' }
  if (quantidade < 0 || (quantidade === 0 && tipo !== 'ajuste')) {
    return { ok: false, erro: 'Quantidade deve ser maior que zero' }
  }

  let observacao = 'observacao' in dados ? dados.observacao! : null
  if (observacao === null) observacao = ''
  if (typeof observacao !== 'string') return { ok: false, erro: 'Observação inválida' }
  observacao = pythonStrip(observacao)
  if (pythonLength(observacao) > MAX_OBSERVACAO) return { ok: false, erro: 'Observação muito longa' }

  return { ok: true, input: { itemId, tipo: tipo as Tipo, quantidade, observacao } }
}

/** `request.is_json`: the mimetype (lowercased, parameters dropped) is application/json or application/*+json. */
export function isJsonMimetype(contentType: string | undefined): boolean {
  const mimetype = mimetypeOf(contentType)
  return mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'))
}

export function mimetypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
}
