import { MongoClient, type Db } from 'mongodb'
import type { Config } from '../config/config.js'

export type MongoHandle = {
  client: MongoClient
  db: Db
  /** Round trip to the server; rejects when it is unreachable (callers bound the wait). */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * One pooled client per process. The driver connects lazily and reconnects by itself, so an outage at
 * start-up or later only fails the requests made meanwhile (bounded by serverSelectionTimeoutMS).
 */
export function createMongo(config: Config): MongoHandle {
  const client = new MongoClient(config.MONGODB_URI, {
    appName: 'estoque-gateway',
    maxPoolSize: config.MONGODB_MAX_POOL_SIZE,
    serverSelectionTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: config.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    // Driver 7 ignores `timeoutMS`; a stuck socket and a starved pool are bounded separately instead.
    socketTimeoutMS: config.MONGODB_OPERATION_TIMEOUT_MS,
    waitQueueTimeoutMS: config.MONGODB_OPERATION_TIMEOUT_MS,
    // docs/reliability.md: an acknowledged write survives a failover and a crash; reads see only such data.
    writeConcern: { w: config.MONGODB_WRITE_CONCERN, journal: config.MONGODB_WRITE_JOURNAL },
    readConcern: { level: config.MONGODB_READ_CONCERN },
    enableUtf8Validation: config.MONGODB_UTF8_VALIDATION,
  })
  const db = client.db(config.MONGODB_DB)
  return {
    client,
    db,
    async ping() {
      await db.command({ ping: 1 })
    },
    close: () => client.close(),
  }
}
