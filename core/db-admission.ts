/**
 * A bound on the work one gateway process hands MongoDB at once: at most `maxConcurrent` requests run
 * their queries at a time; the others wait in a FIFO queue of at most `maxQueued`, each for at most
 * `queueTimeoutMs`. A request that finds the queue full is refused at once, one that waited too long is
 * refused then: both with `DbBusyError`, which the error mapping answers like an unreachable database
 * (503 `{"erro": "Banco de dados indisponível"}`, Retry-After).
 *
 * Why: the database serves many concurrent scans unfairly (a few requests wait seconds while others pass),
 * so a client-side FIFO in front of it keeps the tail close to the median, the way gunicorn's sync workers
 * queue requests in front of the app. `maxConcurrent <= 0` turns the bound off. With `adaptive`, the bound
 * itself follows the database's latency, up to `maxConcurrent` (AdaptiveLimit, below).
 */
export type DbAdmissionOptions = {
  maxConcurrent: number
  maxQueued: number
  queueTimeoutMs: number
  /** Adapt the limit between 2 and maxConcurrent to the latency the database gives (AdaptiveLimit). */
  adaptive?: boolean
}

export class DbBusyError extends Error {
  override readonly name = 'DbBusyError'
  constructor(
    message: string,
    readonly reason: 'queue-full' | 'queue-timeout',
  ) {
    super(message)
  }
}

/** What the metrics learn of each admission (in flight, queued and the limit are read when scraped). */
export type DbAdmissionObserver = {
  /** Time an admitted run spent in the queue (0 when admitted at once). */
  admitted(waitedSeconds: number): void
  rejected(reason: DbBusyError['reason']): void
}

type Waiter = { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }

export class DbAdmission {
  private active = 0
  private readonly queue: Waiter[] = []
  private head = 0
  private readonly adaptive: AdaptiveLimit | undefined

  constructor(
    readonly options: DbAdmissionOptions,
    private readonly observer?: DbAdmissionObserver,
  ) {
    this.adaptive = options.adaptive && options.maxConcurrent > 0 ? new AdaptiveLimit(options.maxConcurrent) : undefined
  }

  get running(): number {
    return this.active
  }

  /** How many may run at once now: maxConcurrent, or the adaptive limit. */
  get limit(): number {
    return this.adaptive ? this.adaptive.current : this.options.maxConcurrent
  }

  get waiting(): number {
    return this.queue.length - this.head
  }

  /**
   * Runs `work` once admitted; rejects with DbBusyError (without running it) when the queue is full or the
   * wait too long. `kind` groups works of like cost for the adaptive limit (the route's name).
   */
  async run<T>(work: () => Promise<T>, kind: string): Promise<T> {
    if (this.options.maxConcurrent <= 0) return work()
    let started = performance.now()
    if (this.active >= this.limit || this.waiting > 0) {
      await this.enqueue()
      const admittedAt = performance.now()
      this.observer?.admitted((admittedAt - started) / 1000)
      started = admittedAt
    } else {
      this.active++
      this.observer?.admitted(0)
    }
    try {
      return await work()
    } finally {
      this.adaptive?.observe(kind, performance.now() - started)
      this.release()
    }
  }

  private enqueue(): Promise<void> {
    if (this.waiting >= this.options.maxQueued) {
      this.observer?.rejected('queue-full')
      return Promise.reject(new DbBusyError(`database admission queue full (${this.options.maxQueued} waiting)`, 'queue-full'))
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter, this.head)
          if (at >= 0) this.queue.splice(at, 1)
          this.observer?.rejected('queue-timeout')
          reject(new DbBusyError(`waited ${this.options.queueTimeoutMs} ms for the database`, 'queue-timeout'))
        }, this.options.queueTimeoutMs),
      }
      this.queue.push(waiter)
    })
  }

  /** The slot passes straight to the oldest waiter (`active` unchanged), or is freed; a raised limit admits more. */
  private release(): void {
    if (this.active > this.limit || !this.admitNext()) this.active--
    while (this.active < this.limit && this.admitNext()) this.active++
  }

  private admitNext(): boolean {
    if (this.head < this.queue.length) {
      const next = this.queue[this.head++]!
      clearTimeout(next.timer)
      if (this.head === this.queue.length) {
        this.queue.length = 0
        this.head = 0
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head)
        this.head = 0
      }
      next.resolve()
      return true
    }
    return false
  }
}

// Up to this many times the no-load latency counts as unloaded: runs vary (GC, the event loop) without queueing,
// and a run's latency includes the gateway's own CPU, which a busy process queues too. 1.5 cost 4–14 % of the
// dashboard's and the list's throughput through a 2 ms round trip; 2 did not (docs/concurrency.md).
const TOLERANCE = 2
// Never fewer than two runs at once: with one, the database idles while the gateway encodes an answer, and the
// gateway idles while the database works.
const MIN_LIMIT = 2

/**
 * A concurrency limit that follows the database's latency (in the manner of TCP Vegas and Netflix's gradient
 * limiter): for each kind of work, the fastest run of the last 10–20 s is its no-load latency; each round of
 * completions, the limit moves a fifth of the way to `limit × gradient + 1`, where the gradient is
 * TOLERANCE × no-load ÷ observed latency (0.1–1); never below MIN_LIMIT (or the maximum, if lower), where it
 * starts. While more work in flight does not slow each run (a remote server hiding round trips) it climbs by a
 * fifth a round up to the maximum; when it does (a saturated server) it settles near the server's own
 * parallelism, so requests queue here, in FIFO order, not in the server, which serves many at once unfairly
 * (docs/concurrency.md).
 */
export class AdaptiveLimit {
  private limit: number
  private readonly fastest = new Map<string, [current: number, previous: number]>()
  private windowStarted = performance.now()
  private gradients = 0
  private samples = 0

  constructor(
    private readonly max: number,
    private readonly windowMs = 10_000,
  ) {
    // From the floor: the first runs, made with little contention, are what the no-load latency is learned from.
    this.limit = Math.min(MIN_LIMIT, max)
  }

  get current(): number {
    return Math.max(Math.min(MIN_LIMIT, this.max), Math.floor(this.limit))
  }

  observe(kind: string, ms: number, now = performance.now()): void {
    if (now - this.windowStarted >= this.windowMs) {
      for (const pair of this.fastest.values()) pair.splice(0, 2, Infinity, pair[0])
      this.windowStarted = now
    }
    let pair = this.fastest.get(kind)
    if (!pair) this.fastest.set(kind, (pair = [Infinity, Infinity]))
    pair[0] = Math.min(pair[0], ms)
    const noLoad = Math.min(pair[0], pair[1])
    this.gradients += Math.min(1, Math.max(0.1, (TOLERANCE * noLoad) / Math.max(ms, 0.001)))
    if (++this.samples < Math.max(4, this.current)) return
    const target = this.limit * (this.gradients / this.samples) + 1
    this.limit = Math.min(this.max, Math.max(MIN_LIMIT, 0.8 * this.limit + 0.2 * target))
    this.gradients = 0
    this.samples = 0
  }
}
