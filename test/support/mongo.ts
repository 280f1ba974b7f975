// Per-file databases on the shared test server started by global-setup.ts.
import { randomBytes } from 'node:crypto'
import { MongoClient, type Db } from 'mongodb'
import { inject } from 'vitest'

/** A database name unique to this call: files running in parallel never share data. */
export function testDbName(prefix: string): string {
  // MongoDB database names are limited to 63 bytes and cannot contain . / \ " $ or spaces.
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)
  return `${safe}_${randomBytes(4).toString('hex')}`
}

export async function connectTestDb(prefix: string): Promise<{ client: MongoClient; db: Db; drop(): Promise<void> }> {
  const client = await new MongoClient(inject('mongoUri')).connect()
  const db = client.db(testDbName(prefix))
  return {
    client,
    db,
    async drop() {
      await db.dropDatabase()
      await client.close()
    },
  }
}
