import { describe, expect, it } from 'vitest'
import { AdmissionPool, type Admission } from './admission.js'

const limits = { maxInFlight: 2, queueSize: 2, queueTimeoutMs: 200 }

function admitted(admission: Admission) {
  if (!admission.admitted) throw new Error(`refused: ${admission.reason}`)
  return admission.release
}

describe('AdmissionPool', () => {
  it('admits up to the limit, queues FIFO, refuses beyond the queue', async () => {
    const pool = new AdmissionPool('requests', limits)
    const first = admitted(await pool.acquire())
    admitted(await pool.acquire())
    const order: string[] = []
    const third = pool.acquire().then((a) => (order.push('third'), a))
    const fourth = pool.acquire().then((a) => (order.push('fourth'), a))
    expect(await pool.acquire()).toEqual({ admitted: false, reason: 'queue-full' })
    expect(pool.stats).toEqual({ inFlight: 2, queued: 2 })
    first()
    first() // a second release frees nothing more
    admitted(await third)
    expect(pool.stats).toEqual({ inFlight: 2, queued: 1 })
    expect(order).toEqual(['third'])
    void fourth
  })

  it('tryAcquire takes a free slot at once and never jumps the queue', async () => {
    const pool = new AdmissionPool('requests', limits)
    const first = pool.tryAcquire()
    expect(first).toBeTypeOf('function')
    expect(pool.tryAcquire()).toBeTypeOf('function')
    expect(pool.tryAcquire()).toBeUndefined() // full
    const waiting = pool.acquire()
    first!()
    // The freed slot went to the waiter, not to a later tryAcquire.
    expect(pool.tryAcquire()).toBeUndefined()
    admitted(await waiting)
    expect(pool.stats).toEqual({ inFlight: 2, queued: 0 })
  })

  it('a waiter past the queue timeout is refused and leaves the queue', async () => {
    const pool = new AdmissionPool('requests', { ...limits, queueTimeoutMs: 30 })
    admitted(await pool.acquire())
    admitted(await pool.acquire())
    expect(await pool.acquire()).toEqual({ admitted: false, reason: 'queue-timeout' })
    expect(pool.stats).toEqual({ inFlight: 2, queued: 0 })
  })

  it('an aborted waiter leaves the queue; the next one gets the slot', async () => {
    const pool = new AdmissionPool('requests', limits)
    const release = admitted(await pool.acquire())
    admitted(await pool.acquire())
    const controller = new AbortController()
    const gone = pool.acquire(controller.signal)
    const next = pool.acquire()
    controller.abort()
    expect((await gone).admitted).toBe(false)
    release()
    expect((await next).admitted).toBe(true)
  })

  it('reports in-flight, queue depth and rejections to the observer', async () => {
    const events: string[] = []
    const pool = new AdmissionPool('streams', { maxInFlight: 1, queueSize: 0, queueTimeoutMs: 100 }, {
      changed: (name, inFlight, queued) => events.push(`${name} ${inFlight}/${queued}`),
      rejected: (name, reason) => events.push(`${name} rejected ${reason}`),
      admitted: (name) => events.push(`${name} admitted`),
    })
    const release = admitted(await pool.acquire())
    await pool.acquire()
    release()
    expect(events).toEqual(['streams admitted', 'streams 1/0', 'streams rejected queue-full', 'streams 0/0'])
  })

  it('adopt counts a running request even beyond the limit', async () => {
    const pool = new AdmissionPool('streams', { maxInFlight: 1, queueSize: 1, queueTimeoutMs: 100 })
    admitted(await pool.acquire())
    const adopted = pool.adopt()
    expect(pool.stats.inFlight).toBe(2)
    adopted()
    expect(pool.stats.inFlight).toBe(1)
  })
})
