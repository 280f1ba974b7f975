import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from 'mongodb'
import { connectTestDb } from '../../test/support/mongo.js'
import { createLogger } from '../../core/logger.js'
import { BucketCounters, countsAt } from './bucket-counters.js'

let handle: Awaited<ReturnType<typeof connectTestDb>>
let db: Db

beforeAll(async () => {
  handle = await connectTestDb('bucket_counters')
  db = handle.db
})

afterAll(() => handle.drop())

describe('BucketCounters', () => {
  it('sums each route and bucket apart, whatever order the buckets come in', async () => {
    const counters = new BucketCounters({ db, collection: 'counters', logger: createLogger('silent'), bucketMs: 60_000, retentionSeconds: 3600, maxPendingFields: 100 })
    const minute = (m: number, s = 0) => Date.UTC(2026, 11, 3, 10, m, s)
    counters.add('a', { 'side.gateway': 1 }, minute(1, 5))
    counters.add('a', { 'side.gateway': 1 }, minute(1, 59))
    counters.add('a', { 'side.legacy': 1 }, minute(2))
    counters.add('a', { 'side.gateway': 1 }, minute(1, 30)) // back to the earlier bucket
    counters.add('b', { 'side.gateway': 2 }, minute(2, 1))
    await counters.flush()
    const docs = await counters.read(new Date(minute(0)))
    const seen = docs.map((doc) => [doc.route, doc.bucket.toISOString(), countsAt(doc, 'side')])
    expect(seen).toEqual(
      expect.arrayContaining([
        ['a', '2026-12-03T10:01:00.000Z', { gateway: 3 }],
        ['a', '2026-12-03T10:02:00.000Z', { legacy: 1 }],
        ['b', '2026-12-03T10:02:00.000Z', { gateway: 2 }],
      ]),
    )
    expect(docs).toHaveLength(3)
  })
})
