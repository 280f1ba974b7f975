import type { Db } from 'mongodb'
import { movementsCollection } from '../shared/collections.js'

export async function ensureMovementIndexes(db: Db): Promise<void> {
  const movimentacoes = movementsCollection(db)
  // The list without filters (and the dashboard's latest 10): data desc, _id desc.
  await movimentacoes.createIndex({ data: -1, _id: -1 }, { name: 'data_desc_id_desc' })
  // The list filtered by item (optionally by period), same order.
  await movimentacoes.createIndex({ item_id: 1, data: -1, _id: -1 }, { name: 'item_data_desc_id_desc' })
  // The list filtered by tipo (optionally by period); the dashboard's week of entradas/saídas.
  await movimentacoes.createIndex({ tipo: 1, data: -1 }, { name: 'tipo_data_desc' })
}
