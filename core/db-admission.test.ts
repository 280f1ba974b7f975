import { describe, expect, it } from 'vitest'
import { AdaptiveLimit, DbAdmission, DbBusyError } from './db-admission.js'

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

describe('DbAdmission', () => {
  it('runs at most maxConcurrent at once and admits the waiters in arrival order', async () => {
    const admission = new DbAdmission({ maxConcurrent: 2, maxQueued: 10, queueTimeoutMs: 10_000 })
    const gates = Array.from({ length: 5 }, deferred)
    const started: number[] = []
    const runs = gates.map((gate, i) =>
      admission.run(async () => {
        started.push(i)
        await gate.promise
        return i
      }, 'test'),
    )
    await Promise.resolve()
    expect(started).toEqual([0, 1])
    expect([admission.running, admission.waiting]).toEqual([2, 3])
    gates[1]!.resolve()
    await runs[1]
    await new Promise((r) => setImmediate(r))
    expect(started).toEqual([0, 1, 2])
    for (const gate of gates) gate.resolve()
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4])
    expect(started).toEqual([0, 1, 2, 3, 4])
    expect([admission.running, admission.waiting]).toEqual([0, 0])
  })

  it('refuses at once when the queue is full, without running the work', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 1, queueTimeoutMs: 10_000 })
    const gate = deferred()
    const first = admission.run(() => gate.promise, 'test')
    const second = admission.run(async () => 'second', 'test')
    let ran = false
    await expect(admission.run(async () => void (ran = true), 'test')).rejects.toBeInstanceOf(DbBusyError)
    expect(ran).toBe(false)
    gate.resolve()
    await first
    expect(await second).toBe('second')
  })

  it('refuses a waiter after queueTimeoutMs and frees its place', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 20 })
    const gate = deferred()
    const first = admission.run(() => gate.promise, 'test')
    await expect(admission.run(async () => 'late', 'test')).rejects.toThrow(/waited 20 ms/)
    expect(admission.waiting).toBe(0)
    gate.resolve()
    await first
    expect(await admission.run(async () => 'after', 'test')).toBe('after')
    expect(admission.running).toBe(0)
  })

  it('releases the slot when the work fails', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 1000 })
    await expect(admission.run(async () => Promise.reject(new Error('boom')), 'test')).rejects.toThrow('boom')
    expect(await admission.run(async () => 'next', 'test')).toBe('next')
    expect(admission.running).toBe(0)
  })

  it('maxConcurrent 0 is no bound at all', async () => {
    const admission = new DbAdmission({ maxConcurrent: 0, maxQueued: 0, queueTimeoutMs: 1 })
    const gates = Array.from({ length: 50 }, deferred)
    const runs = gates.map((gate) => admission.run(() => gate.promise, 'test'))
    for (const gate of gates) gate.resolve()
    await Promise.all(runs)
    expect(admission.running).toBe(0)
  })

  it('with a lowered adaptive limit, frees slots until under it and keeps the queue in order', async () => {
    const admission = new DbAdmission({ maxConcurrent: 8, maxQueued: 100, queueTimeoutMs: 10_000, adaptive: true })
    // Fast runs first (the no-load latency), then slow ones: the limit must come down.
    for (let i = 0; i < 8; i++) await admission.run(async () => undefined, 'route')
    let running = 0
    let peak = 0
    const slow = () =>
      admission.run(async () => {
        peak = Math.max(peak, ++running)
        await new Promise((r) => setTimeout(r, 20))
        running--
      }, 'route')
    for (let round = 0; round < 6; round++) await Promise.all(Array.from({ length: 16 }, slow))
    expect(admission.limit).toBeLessThan(8)
    const order: number[] = []
    peak = 0
    await Promise.all(Array.from({ length: 12 }, (_, i) => admission.run(async () => {
      order.push(i)
      peak = Math.max(peak, ++running)
      await new Promise((r) => setTimeout(r, 5))
      running--
    }, 'route')))
    expect(order).toEqual(Array.from({ length: 12 }, (_, i) => i))
    expect(peak).toBeLessThanOrEqual(admission.limit + 1)
    expect([admission.running, admission.waiting]).toEqual([0, 0])
  })

  it('keeps one queue in arrival order across kinds: a write waits behind a queued read', async () => {
    const admission = new DbAdmission({ maxConcurrent: 8, maxQueued: 100, queueTimeoutMs: 10_000, adaptive: true })
    const gates = [deferred(), deferred()]
    const order: string[] = []
    const reads = gates.map((gate, i) =>
      admission.run(async () => {
        order.push(`read ${i}`)
        await gate.promise
      }, 'route'),
    )
    // The adaptive limit starts at 2: a third read waits, and the write behind it waits its turn too.
    const third = admission.run(async () => void order.push('read 2'), 'route')
    const upload = admission.run(async () => void order.push('upload'), 'import')
    await Promise.resolve()
    expect([admission.running, admission.waiting]).toEqual([2, 2])
    gates[0]!.resolve()
    await Promise.all([third, upload])
    expect(order).toEqual(['read 0', 'read 1', 'read 2', 'upload'])
    gates[1]!.resolve()
    await Promise.all(reads)
  })
})

describe('AdaptiveLimit', () => {
  const feed = (limit: AdaptiveLimit, latencyAt: (inFlight: number) => number, rounds: number, kind = 'r') => {
    for (let i = 0; i < rounds * 8; i++) limit.observe(kind, latencyAt(limit.current), i)
  }

  it('settles near the parallelism of a saturated server (latency grows with work in flight)', () => {
    const limit = new AdaptiveLimit(32)
    // A server that runs 2 at once: beyond 2, each run waits for the others.
    feed(limit, (n) => 10 * Math.max(1, n / 2), 200)
    expect(limit.current).toBeGreaterThanOrEqual(2)
    expect(limit.current).toBeLessThanOrEqual(5)
  })

  it('keeps two runs at once however much slower than no-load they get (one leaves the database or the gateway idle)', () => {
    for (const [max, floor] of [[32, 2], [1, 1]] as const) {
      const limit = new AdaptiveLimit(max)
      feed(limit, () => 1, 5)
      // A hundred times the no-load latency: the gradient is at its lowest (0.1) every round.
      feed(limit, () => 100, 200)
      expect(limit.current).toBe(floor)
    }
  })

  it('climbs back to the maximum when more work in flight no longer slows each run', () => {
    const limit = new AdaptiveLimit(32)
    feed(limit, (n) => 10 * Math.max(1, n / 2), 200)
    expect(limit.current).toBeLessThanOrEqual(5)
    feed(limit, () => 10, 500)
    expect(limit.current).toBe(32)
  })

  it('compares each kind of work with its own no-load latency', () => {
    const limit = new AdaptiveLimit(16)
    // A heavy route (50 ms) and a light one (5 ms), neither slowed by load: the limit stays at the maximum.
    for (let i = 0; i < 2000; i++) limit.observe(i % 2 ? 'heavy' : 'light', i % 2 ? 50 : 5, i)
    expect(limit.current).toBe(16)
  })

  it('forgets a no-load latency after two windows (the server got slower for good)', () => {
    const limit = new AdaptiveLimit(16, 1000)
    limit.observe('r', 1, 0)
    // From now on every run takes 10 ms at any load: after the window rotates twice, 10 ms is the no-load figure.
    for (let t = 1; t < 10_000; t++) limit.observe('r', 10, t)
    expect(limit.current).toBe(16)
  })
})
