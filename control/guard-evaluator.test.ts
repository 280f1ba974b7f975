import { describe, expect, it } from 'vitest'
import { routeWindow, windowStart } from './guard-evaluator.js'
import { emptyCounts } from './window-math.js'
import type { WindowRow } from './window-store.js'

describe('the window a guard judges', () => {
  it('covers the window, but only whole buckets after the last change', () => {
    expect(windowStart(100_000, 60_000, 0)).toBe(40_000)
    expect(windowStart(100_000, 60_000, 71_000)).toBe(75_000)
    expect(windowStart(100_000, 60_000, 75_000)).toBe(75_000)
    expect(windowStart(100_000, 60_000, 99_000)).toBe(100_000)
  })

  it('adds up every instance of the route, per side, from its start', () => {
    const row = (route: string, side: 'gateway' | 'legacy', instance: string, startMs: number, n: number): WindowRow => ({ route, side, instance, startMs, counts: { ...emptyCounts(), n } })
    const rows = [row('a', 'gateway', 'x', 40_000, 1), row('a', 'gateway', 'y', 45_000, 2), row('a', 'gateway', 'x', 45_000, 4), row('a', 'legacy', 'x', 45_000, 8), row('b', 'gateway', 'x', 45_000, 16)]
    const window = routeWindow(rows, 'a', 45_000)
    expect(window.gateway.n).toBe(6)
    expect(window.legacy.n).toBe(8)
  })
})
