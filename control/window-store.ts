import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb'
import { addCounts, countFields, emptyCounts, HISTOGRAM_SIZE, type Side, type WindowCounts } from './window-math.js'

export const WINDOWS_COLLECTION = 'gateway_route_windows'
/** Buckets expire this long after they start (TTL index): longer than any guard window or status view. */
export const WINDOW_TTL_SECONDS = 60 * 60

/** One process group's outcomes of one route and side in one time bucket; `h.<i>` is the latency histogram. */
export type WindowDoc = { _id: string; route: string; side: Side; instance: string; start: Date; h?: Record<string, number> } & Partial<Record<(typeof countFields)[number], number>>
export type WindowRow = { route: string; side: Side; instance: string; startMs: number; counts: WindowCounts }
export type PendingBucket = { route: string; side: Side; instance: string; startMs: number; counts: WindowCounts }

/**
 * The shared sliding windows of outcomes (control/window-math.ts): every process adds its counts into the
 * bucket documents with `$inc` upserts, so every instance reads the same window.
 */
export class WindowStore {
  private readonly windows: Collection<WindowDoc>

  constructor(db: Db) {
    this.windows = db.collection<WindowDoc>(WINDOWS_COLLECTION)
  }

  async ensureIndexes(): Promise<void> {
    await this.windows.createIndex({ start: 1 }, { name: 'start_ttl', expireAfterSeconds: WINDOW_TTL_SECONDS })
    await this.windows.createIndex({ route: 1, start: 1 }, { name: 'route_start' })
  }

  /** One unordered bulk write of `$inc` upserts (one per bucket). */
  async add(buckets: readonly PendingBucket[]): Promise<void> {
    if (buckets.length === 0) return
    const operations: AnyBulkWriteOperation<WindowDoc>[] = buckets.map(({ route, side, instance, startMs, counts }) => {
      const inc: Record<string, number> = {}
      for (const field of countFields) if (counts[field] > 0) inc[field] = counts[field]
      counts.hist.forEach((count, index) => {
        if (count > 0) inc[`h.${index}`] = count
      })
      return {
        updateOne: {
          filter: { _id: `${route}|${side}|${instance}|${startMs}` },
          update: { $inc: inc, $setOnInsert: { route, side, instance, start: new Date(startMs) } },
          upsert: true,
        },
      }
    })
    await this.windows.bulkWrite(operations, { ordered: false, writeConcern: { w: 1 } })
  }

  /** Every bucket started at or after `sinceMs` (of the given routes, or all). */
  async read(sinceMs: number, routes?: readonly string[]): Promise<WindowRow[]> {
    const filter = { start: { $gte: new Date(sinceMs) }, ...(routes ? { route: { $in: [...routes] } } : {}) }
    const docs = await this.windows.find(filter, { maxTimeMS: 2000 }).toArray()
    return docs.map((doc) => {
      const counts = emptyCounts()
      for (const field of countFields) counts[field] = doc[field] ?? 0
      for (const [index, count] of Object.entries(doc.h ?? {})) if (Number(index) < HISTOGRAM_SIZE) counts.hist[Number(index)] = count
      return { route: doc.route, side: doc.side, instance: doc.instance, startMs: doc.start.getTime(), counts }
    })
  }
}

/** The sum of the rows matching `where`. */
export function sumRows(rows: readonly WindowRow[], where: (row: WindowRow) => boolean): WindowCounts {
  const total = emptyCounts()
  for (const row of rows) if (where(row)) addCounts(total, row.counts)
  return total
}
