// The process reading the gateway's log stops reading, then goes away during the shutdown (a log shipper
// that hangs and dies, the terminal of `npm run demo` closed): the gateway's lines pile up, then fail with
// EPIPE. It must still stop on SIGTERM, within seconds.
import { afterAll, expect, inject, it } from 'vitest'
import { startGateway, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { connectTestDb } from '../support/mongo.js'
import { freePort } from '../../scripts/dev/ports.js'

let gateway: GatewayProcess | undefined
let testDb: Awaited<ReturnType<typeof connectTestDb>> | undefined

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL')
  await testDb?.drop()
})

it('stops on SIGTERM within seconds after the reader of its log went away', async () => {
  testDb = await connectTestDb('log_reader_gone')
  // Nothing listens on the legacy port: only the gateway's own routes are asked here.
  gateway = await startGateway({ mongoUri: inject('mongoUri'), dbName: testDb.db.databaseName, legacyUrl: `http://127.0.0.1:${await freePort()}` })
  // The reader stops reading first (its lines pile up in the socket until writes would block), then SIGTERM,
  // then the reader goes away during the shutdown.
  gateway.child.stdout?.pause()
  await Promise.all(Array.from({ length: 400 }, () => fetch(`${gateway!.url}/api/dashboard`).then((response) => response.arrayBuffer())))
  const exited = gateway.stop()
  await new Promise((resolve) => setTimeout(resolve, 500))
  gateway.child.stdout?.destroy()
  gateway.child.stderr?.destroy()
  const outcome = await Promise.race([exited.then((code) => ({ code })), new Promise((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000))])
  expect(outcome).toEqual({ code: 0 })
}, 120_000)
