import { MongoServerError, type Db, type Document } from 'mongodb'
import type { Logger } from '../../core/logger.js'

/** `hello`, or `isMaster` on servers that predate it (mongo-java-server answers only the latter). */
async function hello(db: Db): Promise<Document> {
  try {
    return await db.admin().command({ hello: 1 })
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 59) return db.admin().command({ isMaster: 1 })
    throw error
  }
}

/**
 * Whether the server supports multi-document transactions (a replica set member or mongos), asked once
 * with `hello`; asked again after a failure, so an outage at start-up does not fix the answer to "no".
 */
export function replicaSetDetector(db: Db, logger: Logger): () => Promise<boolean> {
  let known: Promise<boolean> | undefined
  return () => {
    known ??= hello(db)
      .then((hello) => {
        const transactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid'
        logger.info({ transactions, setName: hello.setName }, 'movement writes: ' + (transactions ? 'transactions' : 'compare-and-set with compensation'))
        return transactions
      })
      .catch((error: unknown) => {
        known = undefined
        throw error
      })
    return known
  }
}
