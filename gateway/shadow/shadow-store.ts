import type { Collection, Db } from 'mongodb'
import type { Logger } from '../../core/logger.js'
import { BucketCounters, countsAt, type CounterDoc } from './bucket-counters.js'
import { latencySummary, mergeLatency, type LatencyCounts } from './latency-histogram.js'

export const SHADOW_RESULTS_COLLECTION = 'gateway_shadow_results'
export const SHADOW_SAMPLES_COLLECTION = 'gateway_shadow_samples'
/** Counter documents are per route and minute. */
export const SHADOW_BUCKET_MS = 60_000
/** Samples waiting for the next flush at most (more are dropped and counted), and distinct counter fields. */
export const MAX_PENDING_SAMPLES = 100
export const MAX_PENDING_FIELDS = 20_000

export type StoredDifference = { path: string; key: string; legacy: string; gateway: string }
export type ShadowSampleDoc = {
  route: string
  at: Date
  instance: string
  requestId: string
  method: string
  target: string
  result: string
  rechecked: boolean
  differences: StoredDifference[]
  legacy: { status: number; body: string }
  gateway: { status: number; body: string }
}

export type ShadowStoreOptions = {
  db: Db
  logger: Logger
  instance: string
  retentionSeconds: number
  samplesPerRoute: number
}

export type RouteShadowReport = {
  counts: Record<string, number>
  /** Comparisons that count for the match rate: match + mismatch (races, errors, skips apart). */
  compared: number
  matchRate: number | null
  paths: Array<{ path: string; count: number; examples: Array<{ legacy: string; gateway: string; requestId: string; at: string }> }>
  noise: Array<{ path: string; count: number }>
  noiseProbes: number
  latencyMs: { legacy: ReturnType<typeof latencySummary>; gateway: ReturnType<typeof latencySummary> }
  errors: { legacy: number; gateway: number }
  /** Per minute bucket, oldest first. */
  series: Array<{ at: string; compared: number; mismatch: number }>
  samples: ShadowSampleDoc[]
}

/**
 * Shadow results shared by every instance: counters per route and minute (gateway_shadow_results, `$inc`
 * upserts every flush, TTL) and redacted mismatch samples (gateway_shadow_samples, TTL, at most
 * `samplesPerRoute` per route). Everything is buffered in memory, bounded, and written off the request path.
 */
export class ShadowStore {
  readonly counters: BucketCounters
  private readonly samples: Collection<ShadowSampleDoc>
  private pendingSamples: ShadowSampleDoc[] = []
  droppedSamples = 0

  constructor(private readonly options: ShadowStoreOptions) {
    this.counters = new BucketCounters({
      db: options.db,
      collection: SHADOW_RESULTS_COLLECTION,
      logger: options.logger,
      bucketMs: SHADOW_BUCKET_MS,
      retentionSeconds: options.retentionSeconds,
      maxPendingFields: MAX_PENDING_FIELDS,
    })
    this.samples = options.db.collection<ShadowSampleDoc>(SHADOW_SAMPLES_COLLECTION)
  }

  get instance(): string {
    return this.options.instance
  }

  addSample(sample: ShadowSampleDoc): void {
    if (this.pendingSamples.length >= MAX_PENDING_SAMPLES) {
      this.droppedSamples++
      return
    }
    this.pendingSamples.push(sample)
  }

  async ensureIndexes(): Promise<void> {
    await this.counters.ensureIndexes()
    await this.samples.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: this.options.retentionSeconds })
    await this.samples.createIndex({ route: 1, at: -1 }, { name: 'route_at_desc' })
  }

  async flush(): Promise<void> {
    const samples = this.pendingSamples
    this.pendingSamples = []
    await this.counters.flush()
    if (samples.length === 0) return
    try {
      await this.samples.insertMany(samples, { ordered: false })
      // The per-route cap: everything older than the newest `samplesPerRoute` goes.
      for (const route of new Set(samples.map((sample) => sample.route))) {
        const kept = await this.samples.find({ route }, { projection: { at: 1 } }).sort({ at: -1 }).skip(this.options.samplesPerRoute - 1).limit(1).toArray()
        if (kept[0]) await this.samples.deleteMany({ route, at: { $lt: kept[0].at } })
      }
    } catch (error) {
      this.options.logger.warn({ err: error, samples: samples.length }, 'shadow store: samples not written')
    }
  }

  async recentSamples(route: string, limit: number): Promise<ShadowSampleDoc[]> {
    return this.samples.find({ route }, { projection: { _id: 0 }, maxTimeMS: 2000 }).sort({ at: -1 }).limit(limit).toArray()
  }

  /** Every route's results over the last `windowMs`, all instances summed. */
  async report(windowMs: number, samplesPerRoute = 5): Promise<Map<string, RouteShadowReport>> {
    const docs = await this.counters.read(new Date(Date.now() - windowMs))
    const byRoute = new Map<string, CounterDoc[]>()
    for (const doc of docs) byRoute.set(doc.route, [...(byRoute.get(doc.route) ?? []), doc])
    const reports = new Map<string, RouteShadowReport>()
    for (const [route, routeDocs] of byRoute) {
      const samples = await this.recentSamples(route, Math.max(samplesPerRoute, 20))
      reports.set(route, summarize(routeDocs, samples, samplesPerRoute))
    }
    return reports
  }

  /** Noise counts per route over the window (every instance's probes). */
  async noise(windowMs: number): Promise<Map<string, Record<string, number>>> {
    const docs = await this.counters.read(new Date(Date.now() - windowMs))
    const result = new Map<string, Record<string, number>>()
    for (const doc of docs) {
      const into = result.get(doc.route) ?? {}
      for (const [key, count] of Object.entries(countsAt(doc, 'noise'))) into[key] = (into[key] ?? 0) + count
      result.set(doc.route, into)
    }
    return result
  }
}

export function summarize(docs: CounterDoc[], samples: ShadowSampleDoc[], samplesShown: number): RouteShadowReport {
  const counts: Record<string, number> = {}
  const paths: Record<string, number> = {}
  const noise: Record<string, number> = {}
  const legacyLatency: LatencyCounts = {}
  const gatewayLatency: LatencyCounts = {}
  const errors = { legacy: 0, gateway: 0 }
  let noiseProbes = 0
  const series: RouteShadowReport['series'] = []
  for (const doc of docs) {
    const results = countsAt(doc, 'result')
    for (const [result, count] of Object.entries(results)) counts[result] = (counts[result] ?? 0) + count
    for (const [key, count] of Object.entries(countsAt(doc, 'path'))) paths[key] = (paths[key] ?? 0) + count
    for (const [key, count] of Object.entries(countsAt(doc, 'noise'))) noise[key] = (noise[key] ?? 0) + count
    mergeLatency(legacyLatency, countsAt(doc, 'latencyLegacy'))
    mergeLatency(gatewayLatency, countsAt(doc, 'latencyGateway'))
    const other = countsAt(doc, 'other')
    errors.legacy += other.errorsLegacy ?? 0
    errors.gateway += other.errorsGateway ?? 0
    noiseProbes += other.noiseProbes ?? 0
    series.push({ at: doc.bucket.toISOString(), compared: (results.match ?? 0) + (results.mismatch ?? 0), mismatch: results.mismatch ?? 0 })
  }
  const compared = (counts.match ?? 0) + (counts.mismatch ?? 0)
  const examples = (key: string) =>
    samples
      .flatMap((sample) => sample.differences.filter((difference) => difference.key === key).slice(0, 1).map((difference) => ({ legacy: difference.legacy, gateway: difference.gateway, requestId: sample.requestId, at: sample.at.toISOString() })))
      .slice(0, 3)
  return {
    counts,
    compared,
    matchRate: compared ? (counts.match ?? 0) / compared : null,
    paths: Object.entries(paths).sort((a, b) => b[1] - a[1]).map(([path, count]) => ({ path, count, examples: examples(path) })),
    noise: Object.entries(noise).sort((a, b) => b[1] - a[1]).map(([path, count]) => ({ path, count })),
    noiseProbes,
    latencyMs: { legacy: latencySummary(legacyLatency), gateway: latencySummary(gatewayLatency) },
    errors,
    series,
    samples: samples.slice(0, samplesShown),
  }
}
