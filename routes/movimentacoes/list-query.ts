import type { Db, Document } from 'mongodb'
import { MOVEMENT_PROJECTION } from '../shared/movements-json.js'
import { movementsCollection, type StoredMovement } from '../shared/collections.js'
import { findMany } from '../shared/find-many.js'

/** Total count and one page, sorted by data desc, _id desc; both queries run concurrently. */
export async function findMovementPage(db: Db, filter: Document, skip: bigint, limit: bigint) {
  const movimentacoes = movementsCollection(db)
  const page =
    skip > BigInt(Number.MAX_SAFE_INTEGER)
      ? Promise.resolve([] as StoredMovement[]) // no collection is that large: the page is past the end
      : findMany(movimentacoes, filter, { projection: MOVEMENT_PROJECTION, sort: { data: -1, _id: -1 }, skip: Number(skip), limit: Number(limit) })
  const [total, docs] = await Promise.all([movimentacoes.countDocuments(filter), page])
  return { total, docs }
}
