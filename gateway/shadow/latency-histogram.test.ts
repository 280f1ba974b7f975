import { describe, expect, it } from 'vitest'
import { addLatency, bucketOf, latencySummary, mergeLatency, quantileMs, type LatencyCounts } from './latency-histogram.js'

describe('latency histogram', () => {
  it('puts a duration in the first bucket whose bound holds it', () => {
    expect(bucketOf(0.3)).toBe(0)
    expect(bucketOf(1)).toBe(0)
    expect(bucketOf(1.5)).toBe(1)
    expect(bucketOf(60_000)).toBe(13)
  })

  it('reads quantiles from merged counts', () => {
    const one: LatencyCounts = {}
    const two: LatencyCounts = {}
    for (let i = 0; i < 90; i++) addLatency(one, 4)
    for (let i = 0; i < 9; i++) addLatency(two, 150)
    addLatency(two, 3000)
    const merged = mergeLatency(mergeLatency({}, one), two)
    expect(quantileMs(merged, 0.5)).toBe(5)
    expect(quantileMs(merged, 0.95)).toBe(200)
    expect(quantileMs(merged, 0.99)).toBe(200)
    expect(quantileMs(merged, 1)).toBe(5000)
    expect(latencySummary(merged)).toEqual({ count: 100, p50: 5, p95: 200, p99: 200 })
    expect(latencySummary({})).toEqual({ count: 0, p50: null, p95: null, p99: null })
  })
})
