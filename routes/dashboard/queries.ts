import type { Db } from 'mongodb'
import { MOVEMENT_PROJECTION } from '../shared/movements-json.js'
import { ONE_BATCH } from '../shared/batch.js'
import { itemsCollection, movementsCollection, type StoredItem, type StoredMovement } from '../shared/collections.js'
import { findMany } from '../shared/find-many.js'

/** The legacy's filters, shared by these document reads and the column reads of columns.ts. */
export const ACTIVE_ITEMS = { ativo: true }
/** The fields the dashboard shows or sums of an item. */
export const ITEM_LINE_PROJECTION = { codigo: 1, nome: 1, unidade: 1, quantidade: 1, estoque_minimo: 1 }
export const weekFilter = (from: Date, to: Date) => ({ data: { $gte: from, $lt: to }, tipo: { $in: ['entrada', 'saida'] } })

/** Active items in codigo order, only the fields the dashboard shows or sums. */
export function findActiveItems(db: Db): Promise<StoredItem[]> {
  return findMany(itemsCollection(db), ACTIVE_ITEMS, { projection: ITEM_LINE_PROJECTION, batchSize: ONE_BATCH, sort: { codigo: 1 } })
}

export function countMovementsBetween(db: Db, from: Date, to: Date): Promise<number> {
  return movementsCollection(db).countDocuments({ data: { $gte: from, $lt: to } })
}

export function findLatestMovements(db: Db, limit: number): Promise<StoredMovement[]> {
  return findMany(movementsCollection(db), {}, { projection: MOVEMENT_PROJECTION, sort: { data: -1, _id: -1 }, limit })
}

/** Entradas and saídas of the window, in data, _id order (the order the legacy sums them in). */
export function findWeekMovements(db: Db, from: Date, to: Date): Promise<StoredMovement[]> {
  return findMany(movementsCollection(db), weekFilter(from, to), { projection: { _id: 1, tipo: 1, quantidade: 1, data: 1 }, batchSize: ONE_BATCH, sort: { data: 1, _id: 1 } })
}
