import type { Db } from 'mongodb'

/** The hierarchy reads items sorted by categoria, subcategoria, codigo (optionally only active ones). */
export async function ensureHierarchyIndexes(db: Db): Promise<void> {
  await db.collection('itens').createIndex({ categoria: 1, subcategoria: 1, codigo: 1 }, { name: 'categoria_subcategoria_codigo' })
}
