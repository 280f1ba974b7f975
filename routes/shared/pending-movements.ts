import { Double, MongoServerError, type Db, type Document, type ObjectId } from 'mongodb'
import { plainNumber } from './bson-values.js'
import { commitKeyAnswer } from './idempotency-commit.js'
import { itemsCollection, movementsCollection, type StoredMovement } from './collections.js'

/**
 * Field of an item document holding the movements whose stock change is written but which are not yet in
 * `movimentacoes`. Written by the same compare-and-set that changes the stock, so an item's stock always equals
 * what its recorded plus pending movements say. The legacy app never reads it (it reads named fields only).
 */
export const PENDING_FIELD = 'movimentacoes_pendentes'

export type PendingMovement = {
  /** The movement's `_id`. */
  _id: ObjectId
  /** The `movimentacoes` document to insert, exactly as it will be stored. */
  movimentacao: StoredMovement
  /** Idempotency key (`_id` in idempotency_keys) the movement answers, and that answer's JSON text. */
  chave?: string
  resposta?: string
}

/**
 * Ends a pending movement. With an idempotency key, the key is committed first (this attempt's answer becomes
 * the key's answer, atomically, in one document); if another attempt owns the key by now, this one's stock
 * change is undone instead (`reverted`). Then the movement is inserted (an existing one with the same `_id` means
 * someone else finished it) and the pending entry dropped. Idempotent: any number of callers (the request, the
 * recovery step of any instance) may run it concurrently.
 */
export async function finishPending(db: Db, itemId: ObjectId, pending: PendingMovement): Promise<'applied' | 'reverted'> {
  if (pending.chave !== undefined && !(await commitKeyAnswer(db, pending.chave, pending._id, pending.resposta!))) {
    await revertPending(db, itemId, pending)
    return 'reverted'
  }
  try {
    await movementsCollection(db).insertOne(pending.movimentacao)
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error
  }
  await dropPending(db, itemId, pending._id)
  return 'applied'
}

/** Puts the stock back: exactly, if nobody changed it since; else by the inverse of this movement's change. */
async function revertPending(db: Db, itemId: ObjectId, pending: PendingMovement): Promise<void> {
  const itens = itemsCollection(db)
  const { estoque_anterior: anterior, estoque_posterior: posterior } = pending.movimentacao
  const mine = { _id: itemId, [`${PENDING_FIELD}._id`]: pending._id }
  const pull = { $pull: { [PENDING_FIELD]: { _id: pending._id } } } as Document
  const exact = await itens.updateOne({ ...mine, quantidade: posterior }, { $set: { quantidade: anterior }, ...pull })
  if (exact.matchedCount === 0) {
    const delta = (plainNumber(anterior) as number) - (plainNumber(posterior) as number)
    // A stored stock may be any BSON type (the legacy database is not validated), so `$inc` is not typed for it.
    await itens.updateOne(mine, { ...({ $inc: { quantidade: new Double(delta) } } as Document), ...pull })
  }
  await dropEmptyPending(db, itemId)
}

/** Drops the entry; the field itself goes with the last entry, so a settled item has no trace of it. */
async function dropPending(db: Db, itemId: ObjectId, movementId: ObjectId): Promise<void> {
  const itens = itemsCollection(db)
  const only = await itens.updateOne(
    { _id: itemId, [`${PENDING_FIELD}._id`]: movementId, [`${PENDING_FIELD}.1`]: { $exists: false } },
    { $unset: { [PENDING_FIELD]: '' } },
  )
  if (only.matchedCount > 0) return
  await itens.updateOne({ _id: itemId }, { $pull: { [PENDING_FIELD]: { _id: movementId } } } as Document)
  await dropEmptyPending(db, itemId)
}

/**
 * Two finishers can each `$pull` the other's last entry, leaving `[]`: whichever pulls last sees it here. A
 * process that dies between the two steps leaves `[]`, which nothing reads (the recovery finds entries by
 * `_id`, the legacy app named fields) and the item's next movement clears (`dropPending`'s first branch).
 */
async function dropEmptyPending(db: Db, itemId: ObjectId): Promise<void> {
  await itemsCollection(db).updateOne({ _id: itemId, [PENDING_FIELD]: { $size: 0 } }, { $unset: { [PENDING_FIELD]: '' } })
}

export type RecoveryFilter = {
  /** Only entries whose movement is at least this old (in-flight requests normally finish their own in ms). */
  olderThanMs: number
  /** Only this item. */
  itemId?: ObjectId
  /** Only this movement. */
  movementId?: ObjectId
}

export type RecoveryResult = { applied: number; reverted: number }

/** Finishes (or, for a superseded idempotent attempt, undoes) every pending movement matching the filter. */
export async function recoverPendingMovements(db: Db, filter: RecoveryFilter, now = new Date()): Promise<RecoveryResult> {
  const cutoff = now.getTime() - filter.olderThanMs
  const query: Document = { [`${PENDING_FIELD}._id`]: filter.movementId ?? { $exists: true } }
  if (filter.itemId) query._id = filter.itemId
  const result: RecoveryResult = { applied: 0, reverted: 0 }
  const items = itemsCollection(db).find(query, { projection: { [PENDING_FIELD]: 1 }, promoteValues: false })
  for await (const item of items) {
    for (const pending of (item[PENDING_FIELD] ?? []) as PendingMovement[]) {
      if (filter.movementId && !pending._id.equals(filter.movementId)) continue
      if ((pending.movimentacao.data as Date).getTime() > cutoff) continue
      result[(await finishPending(db, item._id, pending)) === 'applied' ? 'applied' : 'reverted'] += 1
    }
  }
  return result
}

export async function ensurePendingMovementIndexes(db: Db): Promise<void> {
  // The recovery step's `{movimentacoes_pendentes._id: {$exists: true}}`: only items with pending entries are indexed.
  await itemsCollection(db).createIndex({ [`${PENDING_FIELD}._id`]: 1 }, { name: 'pendentes_id', sparse: true })
}
