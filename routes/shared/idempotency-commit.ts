import type { Db, ObjectId } from 'mongodb'

/** Where POST /api/movimentacoes keeps its Idempotency-Keys (routes/movimentacoes/idempotency.ts owns the rest). */
export const IDEMPOTENCY_COLLECTION = 'idempotency_keys'

/**
 * The commit point of an idempotent movement: the key becomes `done` with this answer only if `owner` still
 * owns it. True when this owner's answer is the key's answer (now or already).
 */
export async function commitKeyAnswer(db: Db, id: string, owner: ObjectId, body: string): Promise<boolean> {
  const keys = db.collection<{ _id: string; state: string; owner: ObjectId }>(IDEMPOTENCY_COLLECTION)
  const committed = await keys.updateOne({ _id: id, state: 'pending', owner }, { $set: { state: 'done', status: 201, body }, $unset: { lease_until: '' } })
  if (committed.matchedCount === 1) return true
  const key = await keys.findOne({ _id: id }, { projection: { state: 1, owner: 1 } })
  return key?.state === 'done' && key.owner.equals(owner)
}
