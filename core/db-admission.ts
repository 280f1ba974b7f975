/**
 * A bound on the work one gateway process hands MongoDB at once: at most `maxConcurrent` requests run
 * their queries at a time; the others wait in a FIFO queue of at most `maxQueued`, each for at most
 * `queueTimeoutMs`. A request that finds the queue full is refused at once, one that waited too long is
 * refused then: both with `DbBusyError`, which the error mapping answers like an unreachable database
 * (503 `{"erro": "Banco de dados indisponível"}`, Retry-After).
 *
 * Why: the database serves many concurrent scans unfairly (a few requests wait seconds while others pass),
 * so a client-side FIFO in front of it keeps the tail close to the median, the way gunicorn's sync workers
 * queue requests in front of the app. `maxConcurrent <= 0` turns the bound off.
 */
export type DbAdmissionOptions = { maxConcurrent: number; maxQueued: number; queueTimeoutMs: number }

export class DbBusyError extends Error {
  override readonly name = 'DbBusyError'
}

type Waiter = { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }

export class DbAdmission {
  private active = 0
  private readonly queue: Waiter[] = []
  private head = 0

  constructor(readonly options: DbAdmissionOptions) {}

  get running(): number {
    return this.active
  }

  get waiting(): number {
    return this.queue.length - this.head
  }

  /** Runs `work` once admitted; rejects with DbBusyError (without running it) when the queue is full or the wait too long. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.options.maxConcurrent <= 0) return work()
    if (this.active >= this.options.maxConcurrent) await this.enqueue()
    else this.active++
    try {
      return await work()
    } finally {
      this.release()
    }
  }

  private enqueue(): Promise<void> {
    if (this.waiting >= this.options.maxQueued) {
      return Promise.reject(new DbBusyError(`database admission queue full (${this.options.maxQueued} waiting)`))
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter, this.head)
          if (at >= 0) this.queue.splice(at, 1)
          reject(new DbBusyError(`waited ${this.options.queueTimeoutMs} ms for the database`))
        }, this.options.queueTimeoutMs),
      }
      this.queue.push(waiter)
    })
  }

  /** The slot passes straight to the oldest waiter (`active` unchanged), or is freed. */
  private release(): void {
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
      return
    }
    this.active--
  }
}
