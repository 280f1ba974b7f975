// tsx scripts/mongo.ts [--port N] [--h2 /path/file.mv] [--db name]
// Starts a local MongoDB (see scripts/local-mongo) and prints MONGODB_URI=... ; stays up until Ctrl-C.
import { parseArgs } from 'node:util'
import { startLocalMongo } from './local-mongo/index.js'

const { values } = parseArgs({
  options: { port: { type: 'string' }, h2: { type: 'string' }, db: { type: 'string' } },
})

const mongo = await startLocalMongo({
  port: values.port === undefined ? undefined : Number(values.port),
  h2File: values.h2,
  dbName: values.db,
})
console.log(`MONGODB_URI=${mongo.uri}`)
if (mongo.kind === 'external') {
  console.error('(MONGODB_URI is set: nothing started)')
} else {
  console.error(`(${mongo.kind} server running; Ctrl-C to stop)`)
  // The child's pipes keep this process alive; on a signal, stop the server before leaving.
  const shutdown = () => void mongo.stop().then(() => process.exit(0))
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}
