/**
 * Admission to the legacy app: a bounded number of requests in flight, a bounded FIFO queue with a wait
 * limit, and a fast refusal beyond it (the caller answers 503 with Retry-After). The legacy app runs a few
 * gunicorn sync workers; anything sent beyond what they can take waits in gunicorn's accept backlog, where
 * it can be neither timed out nor refused. Waiting here instead keeps that backlog short and lets the
 * gateway say "try again" in milliseconds. Long-lived streams get their own pool (see proxy.ts), so a
 * crowd of open Server-Sent Events cannot take the slots short requests need.
 */
export type PoolName = 'requests' | 'streams'
export type RejectReason = 'queue-full' | 'queue-timeout'

export type AdmissionObserver = {
  /** In flight and queued after every change. */
  changed(pool: PoolName, inFlight: number, queued: number): void
  rejected(pool: PoolName, reason: RejectReason): void
  /** Time an admitted request spent in the queue (0 when admitted at once). */
  admitted(pool: PoolName, waitedSeconds: number): void
}

export type PoolLimits = { maxInFlight: number; queueSize: number; queueTimeoutMs: number }

/** Frees the slot; safe to call more than once. */
export type Release = () => void
export type Admission = { admitted: true; release: Release } | { admitted: false; reason: RejectReason }

type Waiter = { admit: () => void; enqueuedAt: number }

export class AdmissionPool {
  private inFlight = 0
  // A Map keeps insertion order (FIFO) and removes a waiter that gave up in O(1).
  private readonly queue = new Map<symbol, Waiter>()

  constructor(
    readonly name: PoolName,
    private readonly limits: PoolLimits,
    private readonly observer?: AdmissionObserver,
  ) {}

  get stats(): { inFlight: number; queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.size }
  }

  /**
   * A slot now, or after waiting in the queue; a refusal when the queue is full or the wait runs out. An
   * aborted `signal` (the client left) leaves the queue and resolves as a timeout nobody will read.
   */
  acquire(signal?: AbortSignal): Promise<Admission> {
    const release = this.tryAcquire()
    if (release) return Promise.resolve({ admitted: true, release })
    if (this.queue.size >= this.limits.queueSize) return Promise.resolve(this.refuse('queue-full'))
    return new Promise((resolve) => {
      const key = Symbol('waiter')
      const leave = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.queue.delete(key)
        this.report()
      }
      const timer = setTimeout(() => {
        leave()
        resolve(this.refuse('queue-timeout'))
      }, this.limits.queueTimeoutMs)
      const onAbort = () => {
        leave()
        resolve({ admitted: false, reason: 'queue-timeout' })
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const enqueuedAt = performance.now()
      this.queue.set(key, {
        enqueuedAt,
        admit: () => {
          leave()
          this.observer?.admitted(this.name, (performance.now() - enqueuedAt) / 1000)
          resolve({ admitted: true, release: this.take() })
        },
      })
      this.report()
    })
  }

  /**
   * A slot now when one is free and nobody waits ahead, else undefined. The proxy tries this first, so the
   * usual request pays for no AbortController, listener or promise (`acquire` when it must wait).
   */
  tryAcquire(): Release | undefined {
    if (this.inFlight >= this.limits.maxInFlight || this.queue.size > 0) return undefined
    this.observer?.admitted(this.name, 0)
    return this.take()
  }

  /** Counts a request that is already running (a response that turned out to be a stream) in this pool. */
  adopt(): Release {
    return this.take()
  }

  private take(): Release {
    this.inFlight++
    this.report()
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight--
      // Hand the slot to the oldest waiter, if the pool has room (an adopted stream may have overfilled it).
      const first = this.queue.values().next()
      if (!first.done && this.inFlight < this.limits.maxInFlight) first.value.admit()
      else this.report()
    }
  }

  private refuse(reason: RejectReason): Admission {
    this.observer?.rejected(this.name, reason)
    return { admitted: false, reason }
  }

  private report(): void {
    this.observer?.changed(this.name, this.inFlight, this.queue.size)
  }
}
