import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import type { Db, FindCursor } from 'mongodb'
import { csvRow } from '../../compat/python/csv-writer.js'
import { pyHashKey } from '../../compat/python/number.js'
import type { Logger } from '../../core/logger.js'
import { REPORT_HEADER, REPORT_PROJECTION, reportFields, type ItemLabels } from './report-rows.js'
import { itemsCollection, movementsCollection, type StoredMovement } from '../shared/collections.js'

/** Rows are sent in chunks of about this many characters (the legacy sends one chunk per row). */
const CHUNK_CHARS = 32 * 1024
/** Movements fetched per cursor round trip. */
const BATCH_SIZE = 1000

/**
 * `{i["_id"]: i for i in db.itens.find({}, {"codigo": 1, "nome": 1})}`: every item's codigo and nome, held
 * whole as the legacy holds it. Bounded by the item count (thousands, ~100 bytes each), not by movements.
 */
export async function loadItemLabels(db: Db): Promise<ItemLabels> {
  const labels: ItemLabels = new Map()
  for await (const item of itemsCollection(db).find({}, { projection: { codigo: 1, nome: 1 }, promoteValues: false })) {
    labels.set(pyHashKey(item._id), item)
  }
  return labels
}

/** Every movement, oldest first, as the legacy reads them (`sort([("data", 1), ("_id", 1)])`). */
export function openMovementCursor(db: Db): FindCursor<StoredMovement> {
  return movementsCollection(db).find({}, { projection: REPORT_PROJECTION, sort: { data: 1, _id: 1 }, promoteValues: false, batchSize: BATCH_SIZE })
}

async function* reportChunks(cursor: FindCursor<StoredMovement>, items: ItemLabels, logger: Logger, requestId: string): AsyncGenerator<Buffer> {
  try {
    let text = csvRow(REPORT_HEADER)
    for await (const mov of cursor) {
      text += csvRow(reportFields(mov, items))
      if (text.length >= CHUNK_CHARS) {
        yield Buffer.from(text, 'utf8')
        text = ''
      }
    }
    if (text) yield Buffer.from(text, 'utf8')
  } catch (error) {
    // Headers and part of the body are out: like the legacy generator, the stream is cut (no fallback now).
    logger.error({ requestId, route: 'relatorios-movimentacoes-csv', err: error }, 'report stream failed midway: connection cut')
    throw error
  } finally {
    await cursor.close().catch(() => undefined)
  }
}

/**
 * The report body pulled from the cursor on demand: a chunk is produced only when the socket took the
 * previous one (Node stream backpressure through Readable.from → [gzip] → ReadableStream), so memory stays
 * flat whatever the number of movements. gzip as the legacy's `zlib.compressobj(6, DEFLATED, 31)`.
 */
export function reportBody(cursor: FindCursor<StoredMovement>, items: ItemLabels, options: { gzip: boolean; logger: Logger; requestId: string }): ReadableStream<Uint8Array> {
  const text = Readable.from(reportChunks(cursor, items, options.logger, options.requestId), { objectMode: false })
  if (!options.gzip) return Readable.toWeb(text) as ReadableStream<Uint8Array>
  const gzip = createGzip({ level: 6 })
  text.on('error', (error) => gzip.destroy(error))
  gzip.on('close', () => text.destroy())
  return Readable.toWeb(text.pipe(gzip)) as ReadableStream<Uint8Array>
}
