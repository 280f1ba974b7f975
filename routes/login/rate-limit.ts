/**
 * In-memory fixed-window counters (one process; each gateway instance limits on its own). A key's window
 * starts at its first hit and lasts `windowMs`; `limit` hits are allowed per window. Memory is bounded:
 * expired windows are swept when the table reaches `maxKeys`, and if it is still full the oldest entry
 * goes (a flood of distinct keys cannot grow the table without bound).
 */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export class FixedWindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Would one more hit be allowed? (Does not count.) */
  check(key: string, now = Date.now()): RateLimitDecision {
    const window = this.current(key, now)
    if (window && window.count >= this.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000)) }
    }
    return { allowed: true }
  }

  /** Counts a hit; answers whether it was within the limit. */
  hit(key: string, now = Date.now()): RateLimitDecision {
    const decision = this.check(key, now)
    if (!decision.allowed) return decision
    const window = this.current(key, now)
    if (window) window.count += 1
    else {
      this.makeRoom(now)
      this.windows.set(key, { start: now, count: 1 })
    }
    return decision
  }

  /** Takes one hit back (an attempt that turned out not to count). */
  refund(key: string, now = Date.now()): void {
    const window = this.current(key, now)
    if (window && window.count > 0) window.count -= 1
  }

  reset(key: string): void {
    this.windows.delete(key)
  }

  get size(): number {
    return this.windows.size
  }

  private current(key: string, now: number) {
    const window = this.windows.get(key)
    if (window && now - window.start >= this.windowMs) {
      this.windows.delete(key)
      return undefined
    }
    return window
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key)
    // Map iteration is insertion order: the first entry is the oldest window.
    while (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!)
  }
}
