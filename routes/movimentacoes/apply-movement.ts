import { Double, ObjectId, type ClientSession, type Db, type Document, type MongoClient } from 'mongodb'
import type { Logger } from '../../core/logger.js'
import { movementJson } from '../shared/movements-json.js'
import { pyTruthy } from '../../compat/python/truthy.js'
import { asPythonWritesIt, plainDocument, plainNumber } from './bson-values.js'
import type { MovementInput } from './create-validate.js'

export type MovementOutcome =
  | { status: 201; body: { movimentacao: Record<string, unknown>; item: Record<string, unknown> } }
  | { status: 400 | 404; body: { erro: string; disponivel?: unknown } }

const ITEM_FIELDS = {
  codigo: 1, nome: 1, categoria: 1, subcategoria: 1, unidade: 1, quantidade: 1, estoque_minimo: 1, ativo: 1, criado_em: 1, atualizado_em: 1,
}
// Every lost compare-and-set means another writer won, so N concurrent writers on one item need at most N
// attempts; the cap only stops a value that can never compare equal (a stored NaN) from looping forever.
const MAX_ATTEMPTS = 500

export type ApplyDeps = { db: Db; client: MongoClient; logger: Logger; usesTransactions: () => Promise<boolean> }

/**
 * Applies a movement with no lost update and never a negative stock, without needing transactions: read the
 * item, decide exactly as the legacy app does, then write the new stock only if it is still the one read
 * (compare-and-set; retry on conflict); then insert the movement, undoing the stock change if that fails.
 * On a replica set both writes run in one transaction instead.
 */
export async function applyMovement(deps: ApplyDeps, input: MovementInput, usuario: string, movementId = new ObjectId()): Promise<MovementOutcome> {
  if (await deps.usesTransactions()) {
    const session = deps.client.startSession()
    try {
      let outcome: MovementOutcome | undefined
      await session.withTransaction(async () => {
        outcome = await updateStock(deps.db, input, usuario, movementId, session)
        if (outcome.status === 201) await deps.db.collection('movimentacoes').insertOne(movementDoc(outcome), { session })
      })
      return outcome!
    } finally {
      await session.endSession()
    }
  }

  const outcome = await updateStock(deps.db, input, usuario, movementId)
  if (outcome.status !== 201) return outcome
  try {
    await deps.db.collection('movimentacoes').insertOne(movementDoc(outcome))
  } catch (error) {
    void compensate(deps, outcome, error)
    throw new MovementInsertError(error)
  }
  return outcome
}

/** The stock was changed but the movement insert failed (the change is being undone in the background). */
export class MovementInsertError extends Error {
  constructor(override readonly cause: unknown) {
    super('movement insert failed after the stock update', { cause })
    this.name = 'MovementInsertError'
  }
}

type Applied = Extract<MovementOutcome, { status: 201 }> & { stored: { movement: Document; previous: Document; posterior: number } }

async function updateStock(db: Db, input: MovementInput, usuario: string, movementId: ObjectId, session?: ClientSession): Promise<MovementOutcome> {
  const itens = db.collection('itens')
  const _id = new ObjectId(input.itemId.toLowerCase())
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const raw = await itens.findOne({ _id }, { projection: ITEM_FIELDS, promoteValues: false, session })
    if (!raw) return { status: 404, body: { erro: 'Item não encontrado' } }
    const item = plainDocument(raw)
    if (!pyTruthy(item.ativo)) return { status: 400, body: { erro: 'Item inativo' } }

    const anterior = item.quantidade as number
    let posterior: number
    if (input.tipo === 'entrada') posterior = anterior + input.quantidade
    else if (input.tipo === 'saida') {
      if (input.quantidade > anterior) return { status: 400, body: { erro: 'Estoque insuficiente', disponivel: raw.quantidade } }
      posterior = anterior - input.quantidade
    } else posterior = input.quantidade

    const momento = new Date()
    const result = await itens.updateOne(
      { _id, quantidade: anterior, ativo: raw.ativo },
      { $set: { quantidade: new Double(posterior), atualizado_em: momento } },
      { session },
    )
    if (result.matchedCount === 0) {
      // Someone changed it since the read: decide again on fresh data, after a short random pause so the
      // losers of one round do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)))
      continue
    }

    // Shown as read (raw BSON types: an int stays an int in the JSON), like the legacy's `item` dict.
    const updated = { ...raw, quantidade: posterior, atualizado_em: momento }
    const movement: Document = {
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
    const shown = { ...movement, quantidade: input.quantidade, estoque_anterior: raw.quantidade, estoque_posterior: posterior }
    const applied: Applied = {
      status: 201,
      body: { movimentacao: movementJson(shown, updated), item: itemJson(updated) },
      stored: { movement, previous: raw, posterior },
    }
    return applied
  }
  throw new Error(`item ${input.itemId}: stock kept changing during ${MAX_ATTEMPTS} attempts`)
}

function movementDoc(outcome: MovementOutcome): Document {
  return (outcome as Applied).stored.movement
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

/**
 * The movement insert failed after the stock changed. If the insert did land (an ambiguous network error),
 * nothing to do; otherwise put the stock back: exactly, if nobody changed it since, else by the inverse
 * delta. Retried in the background for a minute, because the usual cause is MongoDB being unreachable.
 */
async function compensate(deps: ApplyDeps, outcome: MovementOutcome, cause: unknown): Promise<void> {
  const { movement, previous, posterior } = (outcome as Applied).stored
  const itens = deps.db.collection('itens')
  for (let attempt = 1; attempt <= 30; attempt++) {
    try {
      if (await deps.db.collection('movimentacoes').findOne({ _id: movement._id }, { projection: { _id: 1 } })) return
      const exact = await itens.updateOne(
        { _id: movement.item_id, quantidade: posterior, atualizado_em: movement.data },
        { $set: { quantidade: previous.quantidade, atualizado_em: previous.atualizado_em } },
      )
      if (exact.matchedCount === 0) {
        await itens.updateOne({ _id: movement.item_id }, { $inc: { quantidade: new Double((plainNumber(previous.quantidade) as number) - posterior) } })
      }
      deps.logger.warn({ itemId: String(movement.item_id), err: cause }, 'movement insert failed: stock change undone')
      return
    } catch (error) {
      if (attempt === 30) {
        deps.logger.error({ itemId: String(movement.item_id), err: error, cause }, 'movement insert failed and the stock change could not be undone')
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
  }
}
