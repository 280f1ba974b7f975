import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Decimal128, Double, Int32, Long, MongoClient, ObjectId, type Db } from 'mongodb'
import { connectTestDb } from '../../test/support/mongo.js'
import { findMany } from './find-many.js'

let handle: Awaited<ReturnType<typeof connectTestDb>>
let db: Db

beforeAll(async () => {
  handle = await connectTestDb('find_many')
  db = handle.db
  await db.collection('docs').insertMany(
    Array.from({ length: 30 }, (_, i) => ({
      _id: new ObjectId(),
      n: i,
      codigo: `C-${String(29 - i).padStart(2, '0')}`,
      values: { int: new Int32(i), double: new Double(i / 4), long: Long.fromNumber(i * 1e12), decimal: Decimal128.fromString(`${i}.10`) },
      when: new Date(Date.UTC(2026, 0, 1 + i)),
      nome: `Item ${i} — ção 😀`,
      extra: 'not projected',
    })),
  )
})

afterAll(() => handle.drop())

describe('findMany', () => {
  it('reads what find().toArray() with promoteValues: false reads, BSON types, sort, skip, limit and projection included', async () => {
    const options = { projection: { extra: 0 }, sort: { codigo: 1 }, skip: 3, limit: 20 } as const
    const expected = await db.collection('docs').find({ n: { $gte: 2 } }, { ...options, promoteValues: false }).toArray()
    const read = await findMany(db.collection('docs'), { n: { $gte: 2 } }, options)
    expect(read).toEqual(expected)
    expect(read).toHaveLength(20)
    expect(read[0]!.values.double).toBeInstanceOf(Double)
    expect(read[0]!.values.int).toBeInstanceOf(Int32)
    expect(read[0]!.values.long).toBeInstanceOf(Long)
    expect(read[0]!.n).toBeInstanceOf(Int32)
    expect(read[0]!.extra).toBeUndefined()
    expect(read.map((doc) => doc.codigo)).toEqual(expected.map((doc) => doc.codigo))
  })

  it('reads the same with the client UTF-8 check off (MONGODB_UTF8_VALIDATION=off)', async () => {
    const client = await new MongoClient(inject('mongoUri'), { enableUtf8Validation: false }).connect()
    try {
      const unchecked = client.db(db.databaseName).collection('docs')
      expect(unchecked.bsonOptions.enableUtf8Validation).toBe(false)
      expect(await findMany(unchecked, {}, { sort: { n: 1 } })).toEqual(await db.collection('docs').find({}, { sort: { n: 1 }, promoteValues: false }).toArray())
    } finally {
      await client.close()
    }
  })
})
