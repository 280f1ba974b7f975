import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb'
import type { Logger } from '../../core/logger.js'

/** One counter document: a route's counts in one time bucket, summed by every instance with `$inc`. */
export type CounterDoc = { _id: string; route: string; bucket: Date; counts: Record<string, unknown> }

/** Field names in counter documents: JSON paths may hold `.` and `$`, which MongoDB field names may not. */
export const encodeField = (name: string): string => name.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24')
export const decodeField = (name: string): string => name.replace(/%2E/g, '.').replace(/%24/g, '$').replace(/%25/g, '%')

export type BucketCountersOptions = {
  db: Db
  collection: string
  logger: Logger
  /** Width of a time bucket. */
  bucketMs: number
  /** Counter documents expire this long after their bucket (TTL index). */
  retentionSeconds: number
  /** Most distinct (route, bucket, field) increments held between two flushes; beyond, new fields are dropped and counted. */
  maxPendingFields: number
}

/**
 * Counters per route and time bucket, buffered in memory and written as batched `$inc` upserts by `flush()`
 * (called every SHADOW_FLUSH_MS): the request path only touches the in-memory buffer, never the database.
 * A flush that fails puts its increments back (up to the bound), so a short outage loses nothing.
 */
export class BucketCounters {
  private pending = new Map<string, { route: string; bucket: Date; fields: Map<string, number> }>()
  private pendingFields = 0
  private lastBucket: { bucket: Date; iso: string } | undefined
  dropped = 0
  readonly collection: Collection<CounterDoc>

  constructor(private readonly options: BucketCountersOptions) {
    this.collection = options.db.collection<CounterDoc>(options.collection)
  }

  /** `fields` are dotted paths under `counts` (each segment already encoded with encodeField). */
  add(route: string, fields: Record<string, number>, at = Date.now()): void {
    const { bucket, iso } = this.bucketAt(at)
    const id = `${route}|${iso}`
    let entry = this.pending.get(id)
    if (!entry) this.pending.set(id, (entry = { route, bucket, fields: new Map() }))
    for (const [field, value] of Object.entries(fields)) {
      if (!entry.fields.has(field)) {
        if (this.pendingFields >= this.options.maxPendingFields) {
          this.dropped++
          continue
        }
        this.pendingFields++
      }
      entry.fields.set(field, (entry.fields.get(field) ?? 0) + value)
    }
  }

  /** The bucket holding `at`; the current one is made once, not per request (counters never change a bucket's Date). */
  private bucketAt(at: number): { bucket: Date; iso: string } {
    const start = Math.floor(at / this.options.bucketMs) * this.options.bucketMs
    if (this.lastBucket?.bucket.getTime() !== start) {
      const bucket = new Date(start)
      this.lastBucket = { bucket, iso: bucket.toISOString() }
    }
    return this.lastBucket
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ bucket: 1 }, { name: 'bucket_ttl', expireAfterSeconds: this.options.retentionSeconds })
    await this.collection.createIndex({ route: 1, bucket: -1 }, { name: 'route_bucket_desc' })
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return
    const batch = this.pending
    this.pending = new Map()
    this.pendingFields = 0
    const operations: AnyBulkWriteOperation<CounterDoc>[] = [...batch].map(([id, entry]) => ({
      updateOne: {
        filter: { _id: id },
        update: {
          $setOnInsert: { route: entry.route, bucket: entry.bucket },
          $inc: Object.fromEntries([...entry.fields].map(([field, value]) => [`counts.${field}`, value])),
        },
        upsert: true,
      },
    }))
    try {
      await this.collection.bulkWrite(operations, { ordered: false })
    } catch (error) {
      this.options.logger.warn({ err: error, collection: this.options.collection, documents: operations.length }, 'shadow store: counters not written, kept for the next flush')
      for (const [, entry] of batch) for (const [field, value] of entry.fields) this.add(entry.route, { [field]: value }, entry.bucket.getTime())
    }
  }

  /** Every counter document since `since`, all instances' increments summed in each. */
  async read(since: Date, route?: string): Promise<CounterDoc[]> {
    return this.collection.find({ bucket: { $gte: since }, ...(route ? { route } : {}) }, { maxTimeMS: 2000 }).sort({ bucket: 1 }).limit(50_000).toArray()
  }
}

/** A nested counter object of one stored document, read back with decoded field names. */
export function countsAt(doc: CounterDoc, group: string): Record<string, number> {
  const value = doc.counts[group]
  if (!value || typeof value !== 'object') return {}
  return Object.fromEntries(Object.entries(value as Record<string, number>).map(([key, count]) => [decodeField(key), Number(count)]))
}
