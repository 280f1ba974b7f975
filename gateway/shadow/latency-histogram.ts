/**
 * Fixed-bucket latency histograms: counts per bucket add up across processes and instances (a stored
 * document per time bucket is summed with `$inc`), and quantiles are read from the merged counts.
 * Upper bounds in milliseconds; the last bucket is everything slower.
 */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] as const

/** Counts per bucket index (`LATENCY_BUCKETS_MS.length` is the overflow bucket); sparse. */
export type LatencyCounts = Record<string, number>

export function bucketOf(ms: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound)
  return index === -1 ? LATENCY_BUCKETS_MS.length : index
}

export function addLatency(counts: LatencyCounts, ms: number): void {
  const bucket = String(bucketOf(ms))
  counts[bucket] = (counts[bucket] ?? 0) + 1
}

export function mergeLatency(into: LatencyCounts, from: LatencyCounts | undefined): LatencyCounts {
  for (const [bucket, count] of Object.entries(from ?? {})) into[bucket] = (into[bucket] ?? 0) + count
  return into
}

/** The upper bound of the bucket holding quantile `q` (null without samples; the overflow bucket reads as its lower bound). */
export function quantileMs(counts: LatencyCounts, q: number): number | null {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0)
  if (total === 0) return null
  const rank = Math.max(1, Math.ceil(q * total))
  let seen = 0
  for (let index = 0; index <= LATENCY_BUCKETS_MS.length; index++) {
    seen += counts[String(index)] ?? 0
    if (seen >= rank) return LATENCY_BUCKETS_MS[index] ?? LATENCY_BUCKETS_MS.at(-1)!
  }
  return LATENCY_BUCKETS_MS.at(-1)!
}

export function latencySummary(counts: LatencyCounts): { count: number; p50: number | null; p95: number | null; p99: number | null } {
  return {
    count: Object.values(counts).reduce((sum, count) => sum + count, 0),
    p50: quantileMs(counts, 0.5),
    p95: quantileMs(counts, 0.95),
    p99: quantileMs(counts, 0.99),
  }
}
