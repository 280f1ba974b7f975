import { MongoServerError, type Db } from 'mongodb'
import { itemsCollection } from './collections.js'

// Server codes of a createIndex that cannot be satisfied by the data or conflicts with an existing index.
const CANNOT_BUILD = new Set([11000, 85, 86])

/**
 * `codigo` unique (the seeder and docs/legacy-api.md say it is): POST /api/estoque/itens relies on it to
 * turn two concurrent creates of one codigo into one 201 and one 409, POST /api/importar to find the one item
 * a row updates. Same key and options as the
 * seeder's, so an existing index is a no-op. Legacy data with duplicate codigos cannot get it: the error
 * says so (and index creation is retried, logged, until the data is fixed).
 */
export async function ensureItemIndexes(db: Db): Promise<void> {
  try {
    await itemsCollection(db).createIndex({ codigo: 1 }, { unique: true })
  } catch (error) {
    if (error instanceof MongoServerError && CANNOT_BUILD.has(Number(error.code))) {
      throw new Error(`itens: cannot build the unique index on codigo (${error.message}); until then concurrent POST /api/estoque/itens (or imports) with one codigo may both succeed`, { cause: error })
    }
    throw error
  }
}
