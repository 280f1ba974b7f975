/**
 * docker-compose's one-shot seeder: seeds the demo data set (scripts/seed) into an EMPTY database and
 * does nothing when the database already holds users, so `docker compose up` never wipes data twice.
 *   MONGODB_URI=mongodb://mongo:27017 MONGODB_DB=estoque npx tsx deploy/seed-once.ts [--force]
 */
import { MongoClient } from 'mongodb'
import { DEMO_USER, seed } from '../scripts/seed/index.js'

const uri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017'
const dbName = process.env.MONGODB_DB ?? 'estoque'
const force = process.argv.includes('--force')

const client = new MongoClient(uri, { serverSelectionTimeoutMS: 30_000 })
try {
  const db = client.db(dbName)
  const users = await db.collection('usuarios').estimatedDocumentCount()
  if (users > 0 && !force) {
    console.log(`seed-once: ${dbName} already has ${users} user(s); leaving it as it is (--force to re-seed)`)
  } else {
    const summary = await seed(db)
    console.log(`seed-once: seeded ${dbName}:`, summary)
    console.log(`seed-once: login ${DEMO_USER.email} / ${DEMO_USER.password}`)
  }
} finally {
  await client.close()
}
