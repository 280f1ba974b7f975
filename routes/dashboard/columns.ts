import { MongoServerError, type Db, type Document } from 'mongodb'
import { itemsCollection, movementsCollection } from '../shared/collections.js'
import { ACTIVE_ITEMS, ITEM_LINE_PROJECTION, weekFilter } from './queries.js'

/**
 * The dashboard reads every active item and every movement of the week only to sum a field or two of each:
 * decoding hundreds of whole documents per request was most of its CPU (driver + BSON + the garbage they
 * leave). These queries have MongoDB push the summed fields, in the legacy's order, into one document of
 * columns, so the gateway decodes a few arrays of values and applies Python's rules to them exactly as before
 * (every value still reaches pyAdd / pyLess, whatever its type). `undefined` means "read the documents as
 * before" (the exact path in queries.ts): more rows than COLUMN_ROWS_LIMIT, a field missing in some row (a
 * column would be shorter: $push skips it), or MongoDB refusing the pipeline (e.g. a result over 16 MiB).
 * Assumes $push keeps the preceding $sort's order, as it does on a replica set (not across shards).
 * The limit keeps the columns document well under MongoDB's 16 MiB: a week row is about 52 bytes (a date, a
 * tipo and a number, each with its array index as key), 200,000 rows about 10 MB.
 */
export const COLUMN_ROWS_LIMIT = 200_000

export type ItemColumns = { quantidade: unknown[]; estoqueMinimo: unknown[]; below: Document[] }
export type WeekColumns = { data: unknown[]; tipo: unknown[]; quantidade: unknown[] }

/** Active items in codigo order: their quantidade and estoque_minimo, and the lines MongoDB's `$lt` finds below minimum. */
export async function findItemColumns(db: Db): Promise<ItemColumns | undefined> {
  const results = await columnsOrUndefined(
    itemsCollection(db).aggregate([
      { $match: ACTIVE_ITEMS },
      { $sort: { codigo: 1 } },
      { $limit: COLUMN_ROWS_LIMIT + 1 },
      {
        $facet: {
          columns: [{ $group: { _id: null, n: { $sum: 1 }, quantidade: { $push: '$quantidade' }, estoqueMinimo: { $push: '$estoque_minimo' } } }],
          // Only a candidate list: summarize.ts accepts it when Python's `<` picks exactly these items.
          below: [{ $match: { $expr: { $lt: ['$quantidade', '$estoque_minimo'] } } }, { $project: ITEM_LINE_PROJECTION }],
        },
      },
    ], { promoteValues: false }).toArray(),
  )
  const result = results?.[0]
  if (!result) return undefined
  const columns = (result.columns as Document[])[0] ?? { n: 0, quantidade: [], estoqueMinimo: [] }
  if (!complete(columns, ['quantidade', 'estoqueMinimo'])) return undefined
  return { quantidade: columns.quantidade, estoqueMinimo: columns.estoqueMinimo, below: result.below as Document[] }
}

/** The week's entradas and saídas in data, _id order (the order the legacy sums them in), as columns. */
export async function findWeekColumns(db: Db, from: Date, to: Date): Promise<WeekColumns | undefined> {
  const result = await columnsOrUndefined(
    movementsCollection(db).aggregate([
      { $match: weekFilter(from, to) },
      { $sort: { data: 1, _id: 1 } },
      { $limit: COLUMN_ROWS_LIMIT + 1 },
      { $group: { _id: null, n: { $sum: 1 }, data: { $push: '$data' }, tipo: { $push: '$tipo' }, quantidade: { $push: '$quantidade' } } },
    ], { promoteValues: false }).toArray(),
  )
  if (!result) return undefined
  const columns = result[0] ?? { n: 0, data: [], tipo: [], quantidade: [] }
  if (!complete(columns, ['data', 'tipo', 'quantidade'])) return undefined
  return { data: columns.data, tipo: columns.tipo, quantidade: columns.quantidade }
}

/** Every column holds one value per row, and the rows are within the limit. */
function complete(columns: Document, names: string[]): boolean {
  const n = Number(columns.n)
  return n <= COLUMN_ROWS_LIMIT && names.every((name) => Array.isArray(columns[name]) && columns[name].length === n)
}

/** A server-side refusal (the server answered) falls back to reading documents; a connection failure stays the route's error. */
async function columnsOrUndefined(query: Promise<Document[]>): Promise<Document[] | undefined> {
  try {
    return await query
  } catch (error) {
    if (error instanceof MongoServerError) return undefined
    throw error
  }
}
