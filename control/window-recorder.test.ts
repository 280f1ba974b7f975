import { describe, expect, it } from 'vitest'
import { createLogger } from '../core/logger.js'
import { WindowRecorder } from './window-recorder.js'
import type { PendingBucket, WindowStore } from './window-store.js'

/** A store that keeps what it is given, or fails while `down`. */
function fakeStore() {
  const written: PendingBucket[][] = []
  const store = {
    down: false,
    written,
    async add(buckets: readonly PendingBucket[]) {
      if (store.down) throw new Error('unreachable')
      written.push([...buckets])
    },
  }
  return store
}

const logger = createLogger('silent', 0)
function recorder(store: ReturnType<typeof fakeStore>, options: { maxPending?: number; available?: () => boolean } = {}) {
  const dropped: number[] = []
  const instance = new WindowRecorder(store as unknown as WindowStore, 'i1', { flushMs: 1000, maxPending: options.maxPending ?? 100, storeAvailable: options.available ?? (() => true), onDropped: (n) => dropped.push(n) }, logger)
  return { instance, dropped }
}

describe('WindowRecorder', () => {
  it('adds samples into one counter per route, side and 5 s bucket, written in one batch', async () => {
    const store = fakeStore()
    const { instance } = recorder(store)
    instance.recordOutcome({ route: 'a', side: 'gateway', status: 200, ms: 3 })
    instance.recordOutcome({ route: 'a', side: 'gateway', status: 500, ms: 30 })
    instance.recordOutcome({ route: 'a', side: 'gateway', status: 503, ms: 1500, failure: 'database-unavailable' })
    instance.recordOutcome({ route: 'a', side: 'legacy', status: 200, ms: 40, failure: 'error', fallback: true })
    instance.recordComparison('a', 'mismatch')
    instance.recordComparison('a', 'skipped')
    expect(instance.status().pending).toBe(2)
    await instance.flush()
    expect(store.written).toHaveLength(1)
    const [gateway, legacy] = store.written[0]!
    expect(gateway).toMatchObject({ route: 'a', side: 'gateway', instance: 'i1', counts: { n: 3, errors: 1, timeouts: 1, fallbacks: 1, compared: 1, mismatches: 1 } })
    expect(legacy!.counts).toMatchObject({ n: 1, errors: 0 })
    expect(instance.status().pending).toBe(0)
  })

  it('holds at most maxPending counters: samples that need another are dropped and counted', () => {
    const { instance, dropped } = recorder(fakeStore(), { maxPending: 2 })
    instance.record('a', 'gateway', { ms: 1 }, 0)
    instance.record('b', 'gateway', { ms: 1 }, 0)
    instance.record('a', 'gateway', { ms: 1 }, 1)
    instance.record('c', 'gateway', { ms: 1 }, 0)
    instance.record('a', 'gateway', { ms: 1 }, 5000)
    expect(instance.status()).toMatchObject({ pending: 2, dropped: 2 })
    expect(dropped).toEqual([1, 1])
  })

  it('drops and counts what is pending when the store is down or the breaker open, without retrying it', async () => {
    const store = fakeStore()
    let available = true
    const { instance } = recorder(store, { available: () => available })
    store.down = true
    instance.record('a', 'gateway', { ms: 1 })
    instance.record('a', 'gateway', { ms: 1 })
    await instance.flush()
    expect(instance.status()).toMatchObject({ pending: 0, dropped: 2, lastError: 'unreachable' })
    store.down = false
    available = false
    instance.record('a', 'legacy', { ms: 1 })
    await instance.flush()
    expect(instance.status().dropped).toBe(3)
    available = true
    instance.record('a', 'legacy', { ms: 1 })
    await instance.flush()
    expect(store.written.flat().map((bucket) => bucket.counts.n)).toEqual([1])
    expect(instance.status().lastError).toBeNull()
  })
})
