import { describe, expect, it } from 'vitest'
import { DbAdmission, DbBusyError } from './db-admission.js'

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
      }),
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
    const first = admission.run(() => gate.promise)
    const second = admission.run(async () => 'second')
    let ran = false
    await expect(admission.run(async () => void (ran = true))).rejects.toBeInstanceOf(DbBusyError)
    expect(ran).toBe(false)
    gate.resolve()
    await first
    expect(await second).toBe('second')
  })

  it('refuses a waiter after queueTimeoutMs and frees its place', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 20 })
    const gate = deferred()
    const first = admission.run(() => gate.promise)
    await expect(admission.run(async () => 'late')).rejects.toThrow(/waited 20 ms/)
    expect(admission.waiting).toBe(0)
    gate.resolve()
    await first
    expect(await admission.run(async () => 'after')).toBe('after')
    expect(admission.running).toBe(0)
  })

  it('releases the slot when the work fails', async () => {
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 1000 })
    await expect(admission.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(await admission.run(async () => 'next')).toBe('next')
    expect(admission.running).toBe(0)
  })

  it('maxConcurrent 0 is no bound at all', async () => {
    const admission = new DbAdmission({ maxConcurrent: 0, maxQueued: 0, queueTimeoutMs: 1 })
    const gates = Array.from({ length: 50 }, deferred)
    const runs = gates.map((gate) => admission.run(() => gate.promise))
    for (const gate of gates) gate.resolve()
    await Promise.all(runs)
    expect(admission.running).toBe(0)
  })
})
