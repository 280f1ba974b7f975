import type { Db, Document, ObjectId } from 'mongodb'
import { PENDING_FIELD, type PendingMovement } from './pending-movements.js'
import { itemsCollection } from './collections.js'

/**
 * Step 2 of the write path (docs/concurrency.md), shared by every route that changes a stock: one `updateOne`
 * on the item that matches only if the fields in `expected` (its stock, at least) are still the ones read,
 * sets `set` and, with a movement, pushes it into the item's pending entries in the same atomic write. False
 * when another writer got there first: the caller decides again on fresh data. The caller then finishes the
 * pending movement (`finishPending`); if it dies first, the recovery step does.
 */
export async function compareAndSetStock(db: Db, itemId: ObjectId, expected: Document, set: Document, pending?: PendingMovement): Promise<boolean> {
  const update: Document = { $set: set }
  if (pending) update.$push = { [PENDING_FIELD]: pending }
  const result = await itemsCollection(db).updateOne({ _id: itemId, ...expected }, update)
  return result.matchedCount === 1
}

/** A short random pause after a lost compare-and-set, so the losers of one round do not collide again in lockstep. */
export function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)))
}
