import { Double, MongoBulkWriteError, ObjectId, type Collection, type Db } from 'mongodb'
import { asPythonWritesIt, plainNumber } from '../shared/bson-values.js'
import { finishPending, type PendingMovement } from '../shared/pending-movements.js'
import { backOff, compareAndSetStock } from '../shared/stock-write.js'
import { writeAdmission, type WriteAdmission } from '../shared/write-admission.js'
import type { ImportedItem } from './item-from-row.js'
import { itemsCollection, type StoredItem, type StoredMovement } from '../shared/collections.js'

export type BatchCounts = { criados: number; atualizados: number }

/** Existing items of one batch are updated this many at a time. */
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
 * updated, as in the legacy app. Every row sets every field, so the rows of one code in one batch end where
 * its last row says: that state is written once per batch (the legacy's ordered bulk write passes through the
 * others within one round trip), while the counts are per row, as the legacy counts them.
 *
 * Unlike the legacy's blind `$set` of `quantidade`, a stock change goes through the write path of
 * POST /api/movimentacoes: a compare-and-set on the stock read, which also records an `ajuste` movement
 * (pending, then in `movimentacoes`), so a saída racing the import is never lost and stock = starting stock +
 * recorded movements holds (docs/concurrency.md, docs/compatibility.md).
 */
export async function writeBatch(db: Db, batch: readonly ImportedItem[], usuario: string, admission: WriteAdmission = writeAdmission): Promise<BatchCounts> {
  const momento = new Date()
  const itens = itemsCollection(db)
  const rowsOf = new Map<string, number>()
  const last = new Map<string, ImportedItem>()
  for (const item of batch) {
    rowsOf.set(item.codigo, (rowsOf.get(item.codigo) ?? 0) + 1)
    last.set(item.codigo, item)
  }
  // One read for the whole batch, as the legacy's `find({"codigo": {"$in": ...}})`; re-read only after a lost race.
  const known = new Map<string, Known>()
  const found = itens.find({ codigo: { $in: [...last.keys()] } }, { projection: { codigo: 1, quantidade: 1 }, promoteValues: false })
  for await (const doc of found) if (!known.has(doc.codigo as string)) known.set(doc.codigo as string, { _id: doc._id, quantidade: doc.quantidade })

  const counts: BatchCounts = { criados: 0, atualizados: 0 }
  const fields = (item: ImportedItem): Omit<StoredItem, '_id'> => ({
    ...item,
    quantidade: new Double(item.quantidade),
    estoque_minimo: new Double(item.estoque_minimo),
    atualizado_em: momento,
    ativo: true,
  })
  const admitted = async <T>(write: () => Promise<T>): Promise<T> => {
    const outcome = await admission.run(async () => ({ value: await write() }))
    if (outcome === undefined) throw new ImportInterrupted('shutting down')
    return outcome.value
  }

  // New codes: one insertMany. A code created meanwhile by someone else (unique index) is updated instead.
  const fresh = [...last.values()].filter((item) => !known.has(item.codigo))
  const toUpdate = [...last.values()].filter((item) => known.has(item.codigo))
  if (fresh.length > 0) {
    const docs = fresh.map((item) => ({ _id: new ObjectId(), ...fields(item), criado_em: momento }))
    const failed = await admitted(() => insertAll(itens, docs))
    fresh.forEach((item, i) => {
      if (failed.has(i)) return void toUpdate.push(item)
      counts.criados++
      counts.atualizados += rowsOf.get(item.codigo)! - 1
    })
  }

  // Rows that leave the stock as read: their compare-and-sets go in one unordered bulk write, like the
  // legacy's one bulk_write. If any lost a race (a movement changed that stock since the read), the write's
  // count says so but not which: then each of them is decided one by one on a fresh read below (those
  // already written get the same fields again; a stock that moved gets its `ajuste`).
  const steady = toUpdate.filter((item) => keepsStock(known.get(item.codigo), item))
  if (steady.length > 1) {
    const operations = steady.map((item) => {
      const current = known.get(item.codigo)!
      return { updateOne: { filter: { _id: current._id, quantidade: current.quantidade ?? null }, update: { $set: fields(item) } } }
    })
    const result = await admitted(() => itens.bulkWrite(operations, { ordered: false }))
    if (result.matchedCount === steady.length) {
      const done = new Set(steady)
      for (const item of steady) counts.atualizados += rowsOf.get(item.codigo)!
      toUpdate.splice(0, toUpdate.length, ...toUpdate.filter((item) => !done.has(item)))
    } else for (const item of steady) known.delete(item.codigo)
  }

  const updateOne = async (item: ImportedItem): Promise<void> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      let current = attempt === 1 ? known.get(item.codigo) : undefined
      if (!current) {
        const doc = await itens.findOne({ codigo: item.codigo }, { projection: { quantidade: 1 }, promoteValues: false })
        if (!doc) {
          // Removed from the database meanwhile (not by any route of the app): create it again.
          if ((await insertAll(itens, [{ _id: new ObjectId(), ...fields(item), criado_em: momento }])).size === 0) return
          continue
        }
        current = { _id: doc._id, quantidade: doc.quantidade }
      }
      const pending = keepsStock(current, item) ? undefined : ajuste(current, item, usuario, momento)
      // The stock read must still be the stock: `{quantidade: x}` matches numerically (an int 5 is a double 5.0).
      if (!(await compareAndSetStock(db, current._id, { quantidade: current.quantidade ?? null }, fields(item), pending))) {
        await backOff(attempt)
        continue
      }
      if (pending) await finishPending(db, current._id, pending)
      return
    }
    throw new Error(`item ${item.codigo}: stock kept changing during ${MAX_ATTEMPTS} attempts`)
  }
  const queue = [...toUpdate]
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CODES, queue.length) }, async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const current = item
      await admitted(() => updateOne(current))
      counts.atualizados += rowsOf.get(current.codigo)!
    }
  }))
  return counts
}

/** The row sets the stock the batch read (a plain number equal to it), so no `ajuste` is due. */
function keepsStock(current: Known | undefined, item: ImportedItem): boolean {
  if (!current) return false
  const previous = plainNumber(current.quantidade)
  return typeof previous === 'number' && previous === item.quantidade
}

/** insertMany, unordered; the indexes of the documents refused because their codigo exists by now. */
async function insertAll(itens: Collection<StoredItem>, docs: (Omit<StoredItem, '_id'> & { _id?: ObjectId })[]): Promise<Set<number>> {
  try {
    // The driver gives each new document without one its ObjectId.
    await itens.insertMany(docs as StoredItem[], { ordered: false })
    return new Set()
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]
    if (errors.some((e) => e.code !== 11000)) throw error
    return new Set(errors.map((e) => e.index))
  }
}

/** The `ajuste` movement of a stock the import sets, shaped as the legacy's own ajuste (POST /api/movimentacoes). */
function ajuste(current: Known, item: ImportedItem, usuario: string, momento: Date): PendingMovement {
  const _id = new ObjectId()
  const movimentacao: StoredMovement = {
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
