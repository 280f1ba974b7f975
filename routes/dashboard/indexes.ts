import type { Db } from 'mongodb'
import { itemsCollection, movementsCollection } from '../shared/collections.js'

export async function ensureDashboardIndexes(db: Db): Promise<void> {
  // Active items in codigo order (totals and the below-minimum list).
  await itemsCollection(db).createIndex({ ativo: 1, codigo: 1 }, { name: 'ativo_codigo' })
  // Movements of today, the 10 latest, and the week's entradas/saídas.
  await movementsCollection(db).createIndex({ data: -1, _id: -1 }, { name: 'data_desc_id_desc' })
  await movementsCollection(db).createIndex({ tipo: 1, data: -1 }, { name: 'tipo_data_desc' })
}
