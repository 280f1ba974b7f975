import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Double, ObjectId, type Db } from 'mongodb'
import { connectTestDb } from '../../test/support/mongo.js'
import { finishPending, PENDING_FIELD, recoverPendingMovements, type PendingMovement } from './pending-movements.js'

let handle: Awaited<ReturnType<typeof connectTestDb>>
let db: Db

beforeAll(async () => {
  handle = await connectTestDb('pending_movements')
  db = handle.db
})

afterAll(() => handle.drop())

const entry = (itemId: ObjectId, before: number, after: number, data = new Date()): PendingMovement => ({
  _id: new ObjectId(),
  movimentacao: { _id: new ObjectId(), item_id: itemId, tipo: 'saida', quantidade: before - after, data, estoque_anterior: new Double(before), estoque_posterior: new Double(after) },
})

/** Items whose stock already includes two pending saídas of one unit each (10 → 9 → 8). */
async function itemsWithTwoPending(count: number): Promise<Array<{ _id: ObjectId; pending: [PendingMovement, PendingMovement] }>> {
  const items = Array.from({ length: count }, () => {
    const _id = new ObjectId()
    return { _id, pending: [entry(_id, 10, 9), entry(_id, 9, 8)] as [PendingMovement, PendingMovement] }
  })
  await db.collection('itens').insertMany(items.map((item) => ({ _id: item._id, quantidade: new Double(8), [PENDING_FIELD]: item.pending })))
  return items
}

describe('finishing pending movements', () => {
  it('two finishers racing on one item record both movements once and leave no trace of the field', async () => {
    const items = await itemsWithTwoPending(20)
    // Each item's two entries finished at once, each by two callers (a request and a recovery pass, say).
    await Promise.all(items.flatMap((item) => [...item.pending, ...item.pending].map((pending) => finishPending(db, item._id, pending))))
    const stored = await db.collection('itens').find({ _id: { $in: items.map((item) => item._id) } }).toArray()
    expect(stored.filter((item) => PENDING_FIELD in item)).toEqual([])
    const movementIds = items.flatMap((item) => item.pending.map((pending) => pending.movimentacao._id))
    expect(await db.collection('movimentacoes').countDocuments({ _id: { $in: movementIds } })).toBe(40)
  })

  it('a recovery pass finishes only the entries older than its cutoff', async () => {
    const _id = new ObjectId()
    const old = entry(_id, 5, 4, new Date(Date.now() - 60_000))
    const fresh = entry(_id, 4, 3)
    await db.collection('itens').insertOne({ _id, quantidade: new Double(3), [PENDING_FIELD]: [old, fresh] })
    const result = await recoverPendingMovements(db, { olderThanMs: 30_000, itemId: _id })
    expect(result).toEqual({ applied: 1, reverted: 0 })
    const item = await db.collection('itens').findOne({ _id })
    expect((item![PENDING_FIELD] as PendingMovement[]).map((pending) => String(pending._id))).toEqual([String(fresh._id)])
    expect(await db.collection('movimentacoes').countDocuments({ _id: { $in: [old.movimentacao._id, fresh.movimentacao._id] } })).toBe(1)
  })
})
