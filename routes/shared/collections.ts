import type { Collection, Db, ObjectId } from 'mongodb'
import type { PendingMovement } from './pending-movements.js'

/**
 * The legacy collections, typed by the fields the legacy app reads and writes. Nothing validates the legacy
 * database, so a field's value is `unknown` until a reader checks it with Python's rules (compat/python):
 * the types name the fields, they never promise their shapes.
 */
export type StoredItem = {
  _id: ObjectId
  codigo?: unknown
  nome?: unknown
  categoria?: unknown
  subcategoria?: unknown
  unidade?: unknown
  quantidade?: unknown
  estoque_minimo?: unknown
  ativo?: unknown
  criado_em?: unknown
  atualizado_em?: unknown
  /** The gateway's own: movements whose stock change is written but not yet recorded (pending-movements.ts). */
  movimentacoes_pendentes?: PendingMovement[]
}

export type StoredMovement = {
  _id: ObjectId
  item_id?: unknown
  tipo?: unknown
  quantidade?: unknown
  data?: unknown
  usuario?: unknown
  observacao?: unknown
  estoque_anterior?: unknown
  estoque_posterior?: unknown
}

// One Collection object per Db: `db.collection()` builds a new one (options resolved anew) on every call.
function cachedCollection<T extends object>(name: string): (db: Db) => Collection<T> {
  const byDb = new WeakMap<Db, Collection<T>>()
  return (db) => {
    let collection = byDb.get(db)
    if (!collection) byDb.set(db, (collection = db.collection<T>(name)))
    return collection
  }
}

export const itemsCollection = cachedCollection<StoredItem>('itens')
export const movementsCollection = cachedCollection<StoredMovement>('movimentacoes')
