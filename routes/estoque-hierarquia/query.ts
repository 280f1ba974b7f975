import type { Db } from 'mongodb'
import { ONE_BATCH } from '../shared/batch.js'
import { itemsCollection, type StoredItem } from '../shared/collections.js'
import { findMany } from '../shared/find-many.js'

const PROJECTION = { codigo: 1, nome: 1, categoria: 1, subcategoria: 1, unidade: 1, quantidade: 1, estoque_minimo: 1, ativo: 1 }

/** Items in the legacy read order; only active ones unless `includeInactive`. Numbers keep their BSON type. */
export function findHierarchyItems(db: Db, includeInactive: boolean): Promise<StoredItem[]> {
  return findMany(itemsCollection(db), includeInactive ? {} : { ativo: true }, { projection: PROJECTION, batchSize: ONE_BATCH, sort: { categoria: 1, subcategoria: 1, codigo: 1 } })
}
