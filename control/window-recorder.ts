import type { OutcomeEvent } from '../core/dispatch.js'
import type { Logger } from '../core/logger.js'
import { bucketStart, emptyCounts, latencyBucket, type Side, type WindowCounts } from './window-math.js'
import type { PendingBucket, WindowStore } from './window-store.js'

/** One request's (or one shadow comparison's) contribution to its route's window. */
export type OutcomeSample = { ms?: number; error?: boolean; timeout?: boolean; fallback?: boolean; compared?: boolean; mismatch?: boolean }

export type WindowRecorderOptions = {
  /** How often the pending counts are written (WINDOW_FLUSH_MS). */
  flushMs: number
  /** Distinct (route, side, bucket) counters held between writes (WINDOW_BUFFER_MAX); samples beyond are dropped and counted. */
  maxPending: number
  /** False while the database breaker is open: the pending counts are dropped (and counted) instead of written. */
  storeAvailable: () => boolean
  onDropped?: (samples: number) => void
}

/**
 * Feeds the shared windows without ever making a request wait: `record` only adds to an in-memory counter
 * per (route, side, time bucket); every `flushMs` the counters are swapped out and written in one bulk write,
 * fire-and-forget. Memory is bounded by `maxPending` counters, whatever the request rate. When the store is
 * down, counts are dropped and counted (`dropped`), not retried: a window is evidence, not a ledger.
 */
export class WindowRecorder {
  private pending = new Map<string, PendingBucket>()
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> | undefined
  private dropped = 0
  private lastFlushAt: Date | null = null
  private lastError: string | null = null

  constructor(
    private readonly store: WindowStore,
    private readonly instance: string,
    private readonly options: WindowRecorderOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.flushMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  record(route: string, side: Side, sample: OutcomeSample, atMs = Date.now()): void {
    const startMs = bucketStart(atMs)
    const key = `${route}|${side}|${startMs}`
    let bucket = this.pending.get(key)
    if (!bucket) {
      if (this.pending.size >= this.options.maxPending) return this.drop(1)
      bucket = { route, side, instance: this.instance, startMs, counts: emptyCounts() }
      this.pending.set(key, bucket)
    }
    addSample(bucket.counts, sample)
  }

  /** A dispatched request: gateway 5xx are errors, "database unavailable" 503s timeouts; a fallback counts on both sides. */
  recordOutcome(event: OutcomeEvent): void {
    if (event.fallback) {
      this.record(event.route, 'gateway', { fallback: true })
      this.record(event.route, 'legacy', { ms: event.ms })
      return
    }
    if (event.side === 'legacy') return this.record(event.route, 'legacy', { ms: event.ms })
    const timeout = event.failure === 'database-unavailable'
    this.record(event.route, 'gateway', { ms: event.ms, timeout, error: !timeout && event.status >= 500 })
  }

  /** A shadow comparison of the gateway's run with the legacy answer. */
  recordComparison(route: string, result: 'match' | 'mismatch' | 'error' | 'skipped'): void {
    if (result === 'match' || result === 'mismatch') this.record(route, 'gateway', { compared: true, mismatch: result === 'mismatch' })
  }

  /** Writes what is pending (a flush already under way is joined, not doubled). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined))
    return this.flushing
  }

  status() {
    return { pending: this.pending.size, maxPending: this.options.maxPending, dropped: this.dropped, lastFlushAt: this.lastFlushAt, lastError: this.lastError }
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return
    const batch = [...this.pending.values()]
    this.pending = new Map()
    if (!this.options.storeAvailable()) return this.drop(samplesIn(batch))
    try {
      await this.store.add(batch)
      this.lastFlushAt = new Date()
      if (this.lastError) this.logger.info({ dropped: this.dropped }, 'route windows: store reachable again')
      this.lastError = null
    } catch (error) {
      if (!this.lastError) this.logger.warn({ err: error }, 'route windows: store unreachable, dropping outcome counts')
      this.lastError = (error as Error).message
      this.drop(samplesIn(batch))
    }
  }

  private drop(samples: number): void {
    this.dropped += samples
    this.options.onDropped?.(samples)
  }
}

function addSample(counts: WindowCounts, sample: OutcomeSample): void {
  if (sample.compared) {
    counts.compared++
    if (sample.mismatch) counts.mismatches++
    return
  }
  if (sample.fallback) {
    counts.fallbacks++
    return
  }
  counts.n++
  if (sample.error) counts.errors++
  if (sample.timeout) counts.timeouts++
  if (sample.ms !== undefined) counts.hist[latencyBucket(sample.ms)]!++
}

const samplesIn = (batch: readonly PendingBucket[]) => batch.reduce((sum, { counts }) => sum + counts.n + counts.fallbacks + counts.compared, 0)
