// tsx scripts/seed/cli.ts [--uri mongodb://...] [--db estoque] [--items 60] [--movements 600] [--now ISO-date]
import { parseArgs } from 'node:util'
import { MongoClient } from 'mongodb'
import { DEFAULT_ITEMS, DEFAULT_MOVEMENTS, DEMO_USER, seed } from './index.js'

const { values } = parseArgs({
  options: {
    uri: { type: 'string', default: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017' },
    db: { type: 'string', default: 'estoque' },
    items: { type: 'string', default: String(DEFAULT_ITEMS) },
    movements: { type: 'string', default: String(DEFAULT_MOVEMENTS) },
    now: { type: 'string' },
  },
})

const now = values.now === undefined ? new Date() : new Date(values.now)
if (Number.isNaN(now.getTime())) throw new Error(`--now: not a date: ${values.now}`)

const client = new MongoClient(values.uri)
try {
  const started = performance.now()
  const summary = await seed(client.db(values.db), {
    items: Number(values.items),
    movements: Number(values.movements),
    now,
  })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`seeded ${values.db} in ${seconds} s:`, summary)
  console.log(`login: ${DEMO_USER.email} / ${DEMO_USER.password}`)
} finally {
  await client.close()
}
