import type { Db } from 'mongodb'

export async function ensureDashboardIndexes(db: Db): Promise<void> {
  // Active items in codigo order (totals and the below-minimum list).
  await db.collection('itens').createIndex({ ativo: 1, codigo: 1 }, { name: 'ativo_codigo' })
  // Movements of today, the 10 latest, and the week's entradas/saídas.
  await db.collection('movimentacoes').createIndex({ data: -1, _id: -1 }, { name: 'data_desc_id_desc' })
  await db.collection('movimentacoes').createIndex({ tipo: 1, data: -1 }, { name: 'tipo_data_desc' })
}
