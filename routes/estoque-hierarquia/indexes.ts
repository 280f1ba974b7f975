import type { Db } from 'mongodb'
import { itemsCollection } from '../shared/collections.js'

/** The hierarchy reads items sorted by categoria, subcategoria, codigo (optionally only active ones). */
export async function ensureHierarchyIndexes(db: Db): Promise<void> {
  await itemsCollection(db).createIndex({ categoria: 1, subcategoria: 1, codigo: 1 }, { name: 'categoria_subcategoria_codigo' })
}
