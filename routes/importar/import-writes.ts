import { Double, MongoServerError, ObjectId, type Db, type Document } from 'mongodb'
import { asPythonWritesIt, plainNumber } from '../shared/bson-values.js'
import { finishPending, type PendingMovement } from '../shared/pending-movements.js'
import { backOff, compareAndSetStock } from '../shared/stock-write.js'
import { writeAdmission, type WriteAdmission } from '../shared/write-admission.js'
import type { ImportedItem } from './item-from-row.js'

export type BatchCounts = { criados: number; atualizados: number }

/** Distinct codes of one batch are written this many at a time; rows of one code keep their file order. */
const PARALLEL_CODES = 8
/** As in apply-movement.ts: each lost compare-and-set means another writer won; the cap only stops a NaN stock looping. */
const MAX_ATTEMPTS = 500
/** The `observacao` of the `ajuste` movement recording a stock the import changed. */
export const IMPORT_OBSERVACAO = 'Importação CSV'

/** Admission closed (graceful shutdown) before a row could be written: the rows before it are written. */
export class ImportInterrupted extends Error {}

type Known = { _id: ObjectId; quantidade: unknown }

/**
 * `gravar(lote)` of api_importacao.py: a row whose `codigo` exists updates that item (`$set` of the row's
 * fields and `ativo: true`), otherwise it creates one; a code repeated in the file is created once, then
 * updated, as in the legacy app. Unlike the legacy's blind `$set` of `quantidade`, a stock change goes through
 * the write path of POST /api/movimentacoes: a compare-and-set on the stock read, which also records an
 * `ajuste` movement (pending, then in `movimentacoes`), so a saída racing the import is never lost and
 * stock = starting stock + recorded movements holds (docs/concurrency.md, docs/compatibility.md).
 */
export async function writeBatch(db: Db, batch: readonly ImportedItem[], usuario: string, admission: WriteAdmission = writeAdmission): Promise<BatchCounts> {
  const momento = new Date()
  const itens = db.collection('itens')
  const counts: BatchCounts = { criados: 0, atualizados: 0 }
  const chains = new Map<string, ImportedItem[]>()
  for (const item of batch) chains.set(item.codigo, [...(chains.get(item.codigo) ?? []), item])

  // One read for the whole batch, as the legacy's `find({"codigo": {"$in": ...}})`; re-read only after a lost race.
  const known = new Map<string, Known>()
  const found = itens.find({ codigo: { $in: [...chains.keys()] } }, { projection: { codigo: 1, quantidade: 1 }, promoteValues: false })
  for await (const doc of found) if (!known.has(doc.codigo as string)) known.set(doc.codigo as string, { _id: doc._id, quantidade: doc.quantidade })

  const fields = (item: ImportedItem): Document => ({
    ...item,
    quantidade: new Double(item.quantidade),
    estoque_minimo: new Double(item.estoque_minimo),
    atualizado_em: momento,
    ativo: true,
  })

  const writeRow = async (item: ImportedItem): Promise<'created' | 'updated'> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let current = attempt === 1 ? known.get(item.codigo) : undefined
      if (!current && attempt > 1) {
        const doc = await itens.findOne({ codigo: item.codigo }, { projection: { quantidade: 1 }, promoteValues: false })
        if (doc) current = { _id: doc._id, quantidade: doc.quantidade }
      }
      if (!current) {
        const doc = { _id: new ObjectId(), ...fields(item), criado_em: momento }
        try {
          await itens.insertOne(doc)
        } catch (error) {
          // Created concurrently (unique index on codigo): update it instead.
          if (error instanceof MongoServerError && error.code === 11000) continue
          throw error
        }
        known.set(item.codigo, { _id: doc._id, quantidade: new Double(item.quantidade) })
        return 'created'
      }
      const previous = plainNumber(current.quantidade)
      const pending = previous === item.quantidade && typeof previous === 'number' ? undefined : ajuste(current, item, usuario, momento)
      // The stock read must still be the stock: `{quantidade: x}` matches numerically (an int 5 is a double 5.0).
      if (!(await compareAndSetStock(db, current._id, { quantidade: current.quantidade ?? null }, fields(item), pending))) {
        await backOff(attempt)
        continue
      }
      if (pending) await finishPending(db, current._id, pending)
      known.set(item.codigo, { _id: current._id, quantidade: new Double(item.quantidade) })
      return 'updated'
    }
    throw new Error(`item ${item.codigo}: stock kept changing during ${MAX_ATTEMPTS} attempts`)
  }

  const pendingChains = [...chains.values()]
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CODES, pendingChains.length) }, async () => {
    for (let rows = pendingChains.shift(); rows; rows = pendingChains.shift()) {
      for (const item of rows) {
        const outcome = await admission.run(() => writeRow(item))
        if (outcome === undefined) throw new ImportInterrupted('shutting down')
        counts[outcome === 'created' ? 'criados' : 'atualizados']++
      }
    }
  }))
  return counts
}

/** The `ajuste` movement of a stock the import sets, shaped as the legacy's own ajuste (POST /api/movimentacoes). */
function ajuste(current: Known, item: ImportedItem, usuario: string, momento: Date): PendingMovement {
  const _id = new ObjectId()
  const movimentacao: Document = {
    _id,
    item_id: current._id,
    tipo: 'ajuste',
    quantidade: new Double(item.quantidade),
    data: momento,
    usuario,
    observacao: IMPORT_OBSERVACAO,
    estoque_anterior: asPythonWritesIt(current.quantidade) ?? null,
    estoque_posterior: new Double(item.quantidade),
  }
  return { _id, movimentacao }
}
