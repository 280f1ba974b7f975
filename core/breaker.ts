/**
 * A circuit breaker in front of the gateway's waits on MongoDB. After `failureThreshold` consecutive runs
 * failed because the database was unreachable (each having waited up to the server-selection timeout), it
 * opens: runs are refused at once with BreakerOpenError — answered like an unreachable database, a fast 503 —
 * for `coolDownMs`. Then one run is let through as a probe (half-open): its success closes the breaker, its
 * failure opens it for another cool-down. Runs that fail for other reasons count as the database answering.
 * `failureThreshold <= 0` turns it off.
 */
export type BreakerOptions = { failureThreshold: number; coolDownMs: number; now?: () => number }
export type BreakerState = 'closed' | 'open' | 'half-open'
export type BreakerStatus = { state: BreakerState; consecutiveFailures: number; openedAt: Date | null; opens: number; rejected: number }

export class BreakerOpenError extends Error {
  override readonly name = 'BreakerOpenError'
}

export class CircuitBreaker {
  private current: BreakerState = 'closed'
  private failures = 0
  private openedAtMs: number | null = null
  private probing = false
  private opens = 0
  private rejected = 0
  private readonly now: () => number

  constructor(
    readonly options: BreakerOptions,
    private readonly isFailure: (error: unknown) => boolean,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {
    this.now = options.now ?? Date.now
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAtMs! >= this.options.coolDownMs) return 'half-open'
    return this.current
  }

  status(): BreakerStatus {
    return { state: this.state, consecutiveFailures: this.failures, openedAt: this.openedAtMs === null ? null : new Date(this.openedAtMs), opens: this.opens, rejected: this.rejected }
  }

  /** False while open (or while a half-open probe is out); true lets the caller go ahead without probing. */
  allows(): boolean {
    return this.options.failureThreshold <= 0 || this.current === 'closed'
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.options.failureThreshold <= 0) return work()
    const probe = this.admit()
    try {
      const result = await work()
      this.succeeded(probe)
      return result
    } catch (error) {
      if (this.isFailure(error)) this.failed(probe)
      else this.succeeded(probe)
      throw error
    }
  }

  /** Throws when refused; true when this run is the half-open probe. */
  private admit(): boolean {
    if (this.current === 'closed') return false
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true
      this.set('half-open')
      return true
    }
    this.rejected++
    throw new BreakerOpenError(`database breaker open: ${this.failures} consecutive failures, retrying after ${this.options.coolDownMs} ms`)
  }

  private succeeded(probe: boolean): void {
    this.failures = 0
    if (probe || this.current !== 'closed') {
      this.probing = false
      this.openedAtMs = null
      this.set('closed')
    }
  }

  private failed(probe: boolean): void {
    this.failures++
    if (probe) this.probing = false
    if (probe || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAtMs = this.now()
      this.opens++
      this.set('open')
    }
  }

  private set(state: BreakerState): void {
    if (this.current === state) return
    this.current = state
    this.onChange(state)
  }
}
