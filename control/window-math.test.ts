import { describe, expect, it } from 'vitest'
import { addCounts, bucketStart, emptyCounts, HISTOGRAM_SIZE, latencyBucket, quantileMs } from './window-math.js'

function histOf(samplesMs: number[]): number[] {
  const hist = new Array<number>(HISTOGRAM_SIZE).fill(0)
  for (const ms of samplesMs) hist[latencyBucket(ms)]!++
  return hist
}

describe('window math', () => {
  it('puts a latency in the first bucket whose bound holds it, the rest in the open last bucket', () => {
    expect(latencyBucket(0)).toBe(0)
    expect(latencyBucket(2)).toBe(0)
    expect(latencyBucket(2.01)).toBe(1)
    expect(latencyBucket(10_000)).toBe(HISTOGRAM_SIZE - 2)
    expect(latencyBucket(60_000)).toBe(HISTOGRAM_SIZE - 1)
  })

  it('merges counts and histograms written by several processes by addition', () => {
    const a = { ...emptyCounts(), n: 3, errors: 1, hist: histOf([1, 30, 30]) }
    const b = { n: 2, timeouts: 2, hist: histOf([30, 400]) }
    const merged = addCounts(addCounts(emptyCounts(), a), b)
    expect(merged).toMatchObject({ n: 5, errors: 1, timeouts: 2, fallbacks: 0 })
    expect(merged.hist).toEqual(histOf([1, 30, 30, 30, 400]))
  })

  it('reads p95 from the merged histogram (interpolated in its bucket), the same as from all samples at once', () => {
    const fast = histOf(Array.from({ length: 95 }, () => 8))
    const slow = histOf(Array.from({ length: 5 }, () => 900))
    const merged = addCounts(addCounts(emptyCounts(), { hist: fast }), { hist: slow }).hist
    expect(quantileMs(merged, 0.95)).toBe(10)
    expect(quantileMs(merged, 0.96)).toBeGreaterThan(500)
    expect(quantileMs(merged, 0.96)).toBeLessThanOrEqual(1000)
    expect(quantileMs(histOf(Array.from({ length: 20 }, () => 40)), 0.95)).toBeCloseTo(25 + 25 * 0.95)
    expect(quantileMs(histOf([50_000]), 0.95)).toBe(10_000)
    expect(quantileMs(emptyCounts().hist, 0.95)).toBeNull()
  })

  it('aligns time buckets', () => {
    expect(bucketStart(12_345, 5000)).toBe(10_000)
    expect(bucketStart(10_000, 5000)).toBe(10_000)
  })
})
