/**
 * The arithmetic of the shared outcome windows (control/window-store.ts): counts per route, side and time
 * bucket, with a latency histogram of fixed bounds so that histograms written by any number of processes
 * add up by plain addition and a p95 can be read from the sum.
 */

/** Every process must agree on these: they are part of the stored format. */
export const WINDOW_BUCKET_MS = 5000
/** Upper bounds (ms) of the latency histogram's buckets; the last bucket takes everything above. */
export const LATENCY_BOUNDS_MS = [2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const
export const HISTOGRAM_SIZE = LATENCY_BOUNDS_MS.length + 1

export type Side = 'gateway' | 'legacy'

/**
 * One side's outcomes. `n`: requests this side answered. Gateway side only: `errors` (5xx other than
 * "database unavailable"), `timeouts` ("database unavailable" 503s), `fallbacks` (failed runs the legacy app
 * answered, not in `n`), `compared`/`mismatches` (shadow comparisons).
 */
export type WindowCounts = {
  n: number
  errors: number
  timeouts: number
  fallbacks: number
  compared: number
  mismatches: number
  hist: number[]
}
export const countFields = ['n', 'errors', 'timeouts', 'fallbacks', 'compared', 'mismatches'] as const

export function emptyCounts(): WindowCounts {
  return { n: 0, errors: 0, timeouts: 0, fallbacks: 0, compared: 0, mismatches: 0, hist: new Array<number>(HISTOGRAM_SIZE).fill(0) }
}

/** Adds `more` into `into` (histograms bucket by bucket); returns `into`. */
export function addCounts(into: WindowCounts, more: Partial<WindowCounts>): WindowCounts {
  for (const field of countFields) into[field] += more[field] ?? 0
  more.hist?.forEach((count, index) => {
    if (index < HISTOGRAM_SIZE) into.hist[index]! += count
  })
  return into
}

export function latencyBucket(ms: number): number {
  for (let index = 0; index < LATENCY_BOUNDS_MS.length; index++) if (ms <= LATENCY_BOUNDS_MS[index]!) return index
  return LATENCY_BOUNDS_MS.length
}

/** Start of the time bucket holding `atMs`. */
export const bucketStart = (atMs: number, bucketMs = WINDOW_BUCKET_MS): number => atMs - (atMs % bucketMs)

/**
 * The q-quantile (0–1) of a histogram, interpolated linearly inside its bucket (Prometheus'
 * histogram_quantile); the open last bucket answers its lower bound. null when empty.
 */
export function quantileMs(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((sum, count) => sum + count, 0)
  if (total === 0) return null
  const rank = q * total
  let seen = 0
  for (let index = 0; index < hist.length; index++) {
    const count = hist[index] ?? 0
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : LATENCY_BOUNDS_MS[index - 1]!
      if (index >= LATENCY_BOUNDS_MS.length) return lower
      const upper = LATENCY_BOUNDS_MS[index]!
      return lower + (upper - lower) * ((rank - seen) / count)
    }
    seen += count
  }
  return LATENCY_BOUNDS_MS.at(-1)!
}
