import { Double, ObjectId, type Db, type Document } from 'mongodb'
import { legacyJsonText } from '../../core/legacy-json.js'
import { movementJson } from '../shared/movements-json.js'
import { pyTruthy } from '../../compat/python/truthy.js'
import { asPythonWritesIt, plainDocument } from '../shared/bson-values.js'
import type { MovementInput } from './create-validate.js'
import { finishPending, type PendingMovement } from '../shared/pending-movements.js'
import { backOff, compareAndSetStock } from '../shared/stock-write.js'
import { itemsCollection, type StoredMovement } from '../shared/collections.js'

/** A decided answer: status and the exact JSON text (flask.jsonify's, trailing newline included). */
export type MovementOutcome = {
  status: 201 | 400 | 404
  text: string
  /**
   * 201 only: another attempt with the same Idempotency-Key won the key while this one was running; this
   * attempt's stock change was undone and its answer must not be sent (the key holds the answer).
   */
  superseded?: boolean
}

const ITEM_FIELDS = {
  codigo: 1, nome: 1, categoria: 1, subcategoria: 1, unidade: 1, quantidade: 1, estoque_minimo: 1, ativo: 1, criado_em: 1, atualizado_em: 1,
}
// Every lost compare-and-set means another writer won, so N concurrent writers on one item need at most N
// attempts; the cap only stops a value that can never compare equal (a stored NaN) from looping forever.
const MAX_ATTEMPTS = 500

export type ApplyOptions = {
  /** The movement's `_id` (an idempotent request's attempt id: the key's owner). */
  movementId?: ObjectId
  /** `_id` of the claimed idempotency key: the key is committed with the answer in the same recoverable step. */
  keyId?: string
}

/**
 * Applies a movement with no lost update, never a negative stock, and no stock change without its movement
 * whatever interrupts it, on any MongoDB (no transactions; docs/concurrency.md):
 *
 * 1. read the item and decide exactly as the legacy app does (same checks, same float arithmetic, same bodies);
 * 2. one `updateOne` on the item, only if its stock and `ativo` are still the ones read (compare-and-set), that
 *    writes the new stock *and* the whole movement-to-be into the item's `movimentacoes_pendentes`: the stock
 *    change and the record of it land together or not at all;
 * 3. `finishPending`: insert the movement into `movimentacoes`, then drop the pending entry. If the process dies
 *    in between, the recovery step (pending-movements.ts) finishes it from the item alone.
 */
export async function applyMovement(db: Db, input: MovementInput, usuario: string, options: ApplyOptions = {}): Promise<MovementOutcome> {
  const itens = itemsCollection(db)
  const _id = new ObjectId(input.itemId.toLowerCase())
  const movementId = options.movementId ?? new ObjectId()
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const raw = await itens.findOne({ _id }, { projection: ITEM_FIELDS, promoteValues: false })
    if (!raw) return answer(404, { erro: 'Item não encontrado' })
    const item = plainDocument(raw)
    if (!pyTruthy(item.ativo)) return answer(400, { erro: 'Item inativo' })

    const anterior = item.quantidade as number
    let posterior: number
    if (input.tipo === 'entrada') posterior = anterior + input.quantidade
    else if (input.tipo === 'saida') {
      if (input.quantidade > anterior) return answer(400, { erro: 'Estoque insuficiente', disponivel: raw.quantidade })
      posterior = anterior - input.quantidade
    } else posterior = input.quantidade
    // The legacy app would store inf and answer `Infinity` (not JSON) on every read of it from then on.
    if (!Number.isFinite(posterior)) return answer(400, { erro: 'Quantidade inválida' })

    const momento = new Date()
    const movement: StoredMovement = {
      _id: movementId,
      item_id: _id,
      tipo: input.tipo,
      quantidade: new Double(input.quantidade),
      data: momento,
      usuario,
      observacao: input.observacao,
      estoque_anterior: asPythonWritesIt(raw.quantidade),
      estoque_posterior: new Double(posterior),
    }
    // Shown as read (raw BSON types: an int stays an int in the JSON), like the legacy's `item` dict.
    const updated = { ...raw, quantidade: posterior, atualizado_em: momento }
    const shown = { ...movement, quantidade: input.quantidade, estoque_anterior: raw.quantidade, estoque_posterior: posterior }
    const outcome = answer(201, { movimentacao: movementJson(shown, updated), item: itemJson(updated) })
    const pending: PendingMovement = { _id: movementId, movimentacao: movement }
    if (options.keyId !== undefined) Object.assign(pending, { chave: options.keyId, resposta: outcome.text })

    if (!(await compareAndSetStock(db, _id, { quantidade: anterior, ativo: raw.ativo }, { quantidade: new Double(posterior), atualizado_em: momento }, pending))) {
      // Someone changed it since the read: decide again on fresh data.
      await backOff(attempt)
      continue
    }
    try {
      if ((await finishPending(db, _id, pending)) === 'reverted') return { ...outcome, superseded: true }
    } catch (error) {
      throw new PendingMovementError(error)
    }
    return outcome
  }
  throw new Error(`item ${input.itemId}: stock kept changing during ${MAX_ATTEMPTS} attempts`)
}

/**
 * The stock change is written (with its pending movement) but finishing it failed, typically because MongoDB
 * went away: the recovery step finishes it; the request's outcome is unknown to the client (a retry with the
 * same Idempotency-Key gets the answer).
 */
export class PendingMovementError extends Error {
  constructor(override readonly cause: unknown) {
    super('movement written as pending; finishing it failed', { cause })
    this.name = 'PendingMovementError'
  }
}

function answer(status: MovementOutcome['status'], value: unknown): MovementOutcome {
  return { status, text: `${legacyJsonText(value)}\n` }
}

/** `item_json()` of the legacy util.py. */
export function itemJson(item: Document): Record<string, unknown> {
  return {
    _id: String(item._id),
    codigo: item.codigo,
    nome: item.nome,
    categoria: item.categoria ?? null,
    subcategoria: item.subcategoria ?? null,
    unidade: item.unidade ?? null,
    quantidade: item.quantidade,
    estoque_minimo: item.estoque_minimo,
    ativo: item.ativo ?? null,
    criado_em: item.criado_em ?? null,
    atualizado_em: item.atualizado_em ?? null,
  }
}
