import { Double, type Db, type Document } from 'mongodb'
import type { ImportedItem } from './item-from-row.js'

export type BatchCounts = { criados: number; atualizados: number }

/** Distinct codes of one batch are written this many at a time; rows of one code keep their file order. */
const PARALLEL_CODES = 8

/**
 * `gravar(lote)` without the legacy's check-then-write race: each row is one upsert keyed on `codigo`
 * (unique index), returning the document as it was. A new code counts as created, an existing one as
 * updated — a code repeated in the file is created once, then updated, as in the legacy app. When an
 * update changes an item's `quantidade`, an `ajuste` movement records the change from the value the
 * upsert replaced, so "stock = starting stock + recorded movements" holds while movements run
 * (docs/concurrency.md).
 */
export async function writeBatch(db: Db, batch: readonly ImportedItem[], usuario: string): Promise<BatchCounts> {
  const momento = new Date()
  const itens = db.collection('itens')
  const counts: BatchCounts = { criados: 0, atualizados: 0 }
  const movements: Document[] = []
  const chains = new Map<string, ImportedItem[]>()
  for (const item of batch) chains.set(item.codigo, [...(chains.get(item.codigo) ?? []), item])

  const writeChain = async (rows: ImportedItem[]) => {
    for (const item of rows) {
      const set = {
        ...item,
        quantidade: new Double(item.quantidade),
        estoque_minimo: new Double(item.estoque_minimo),
        atualizado_em: momento,
        ativo: true,
      }
      const before = await itens.findOneAndUpdate(
        { codigo: item.codigo },
        { $set: set, $setOnInsert: { criado_em: momento } },
        { upsert: true, returnDocument: 'before', projection: { quantidade: 1 }, promoteValues: false },
      )
      if (!before) {
        counts.criados++
        continue
      }
      counts.atualizados++
      const anterior = before.quantidade as unknown
      const previous = anterior instanceof Double || typeof anterior === 'number' ? Number(anterior) : (anterior as { toNumber?: () => number })?.toNumber?.()
      if (previous !== item.quantidade) {
        movements.push({
          item_id: before._id,
          tipo: 'ajuste',
          quantidade: new Double(item.quantidade),
          data: momento,
          usuario,
          observacao: 'Importação CSV',
          estoque_anterior: anterior ?? null,
          estoque_posterior: new Double(item.quantidade),
        })
      }
    }
  }
  const pending = [...chains.values()]
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CODES, pending.length) }, async () => {
    for (let rows = pending.shift(); rows; rows = pending.shift()) await writeChain(rows)
  }))
  if (movements.length > 0) await db.collection('movimentacoes').insertMany(movements, { ordered: false })
  return counts
}

/** The unique index the upserts rely on (shared name with the item routes). */
export async function ensureImportIndexes(db: Db): Promise<void> {
  await db.collection('itens').createIndex({ codigo: 1 }, { name: 'codigo_unique', unique: true })
}
