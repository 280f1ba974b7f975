import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import { afterEach, describe, expect, it } from 'vitest'
import { startJavaMongo, startLocalMongo, type LocalMongo } from './index.js'

const started: LocalMongo[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((mongo) => mongo.stop()))
})

async function java(opts: Parameters<typeof startJavaMongo>[0] = {}): Promise<LocalMongo> {
  const mongo = await startJavaMongo(opts)
  started.push(mongo)
  return mongo
}

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs })
  try {
    return await use(client)
  } finally {
    await client.close()
  }
}

const portOf = (uri: string) => Number(/:(\d+)\//.exec(uri)![1])

describe('startJavaMongo', () => {
  it('round-trips documents, survives stop + restart on the same port', async () => {
    const mongo = await java({ dbName: 'roundtrip' })
    expect(mongo.kind).toBe('java')
    expect(mongo.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/roundtrip$/)
    const port = portOf(mongo.uri)

    await withClient(mongo.uri, async (client) => {
      const coll = client.db().collection<{ _id: number; nome: string; quantidade: number; data: Date }>('coisas')
      const doc = { _id: 1, nome: 'Elétrica', quantidade: 2.5, data: new Date(0) }
      await coll.insertOne(doc)
      expect(await coll.findOne({ _id: 1 })).toEqual(doc)
    })

    await mongo.stop()
    await mongo.stop() // idempotent
    await expect(
      withClient(mongo.uri, (client) => client.db().command({ ping: 1 }), 300),
    ).rejects.toThrow()

    await mongo.restart!()
    expect(portOf(mongo.uri)).toBe(port)
    await withClient(mongo.uri, async (client) => {
      const coll = client.db().collection('coisas')
      expect(await coll.countDocuments()).toBe(0) // the in-memory backend starts empty again
      await coll.insertOne({ nome: 'de novo' })
      expect(await coll.countDocuments()).toBe(1)
    })
  })

  it('keeps data across restart with the H2 backend', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'local-mongo-h2-'))
    try {
      const mongo = await java({ h2File: path.join(dir, 'db.mv'), dbName: 'persist' })
      await withClient(mongo.uri, (client) => client.db().collection('c').insertMany([{ n: 1 }, { n: 2 }]))
      await mongo.restart!()
      expect(await withClient(mongo.uri, (client) => client.db().collection('c').countDocuments())).toBe(2)
      await mongo.stop()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('fails with the server output when the port is taken', async () => {
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = blocker.address() as net.AddressInfo
      await expect(java({ port })).rejects.toThrow(/exited before it was ready[\s\S]*Address already in use/i)
    } finally {
      blocker.close()
    }
  })
})

describe('startLocalMongo', () => {
  it('uses MONGODB_URI as is when set, adding the database name', async () => {
    const saved = process.env.MONGODB_URI
    process.env.MONGODB_URI = 'mongodb://db.example:27017/?replicaSet=rs0'
    try {
      const mongo = await startLocalMongo({ dbName: 'estoque' })
      expect(mongo).toMatchObject({ kind: 'external', uri: 'mongodb://db.example:27017/estoque?replicaSet=rs0' })
      expect(mongo.restart).toBeUndefined()
      await mongo.stop() // no-op
    } finally {
      if (saved === undefined) delete process.env.MONGODB_URI
      else process.env.MONGODB_URI = saved
    }
  })
})
