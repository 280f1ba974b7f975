/**
 * Which database writes may still start in this process. A graceful shutdown closes admission shortly before
 * its deadline: a write that has not started by then is refused (503) instead of being cut halfway, and the
 * shutdown waits for the admitted ones (`drained`) before it closes MongoDB.
 */
export class WriteAdmission {
  private open = true
  private active = 0
  private waiters: Array<() => void> = []

  /** Runs `write` if writes are still admitted; `undefined` (nothing run) once admission is closed. */
  async run<T>(write: () => Promise<T>): Promise<T | undefined> {
    if (!this.open) return undefined
    this.active++
    try {
      return await write()
    } finally {
      this.active--
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake()
    }
  }

  get admitting(): boolean {
    return this.open
  }

  get inFlight(): number {
    return this.active
  }

  close(): void {
    this.open = false
  }

  /** Resolves once no admitted write is running. */
  drained(): Promise<void> {
    if (this.active === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }
}

/** The process's admission (one per process: the Node server closes it on SIGTERM; Vercel never does). */
export const writeAdmission = new WriteAdmission()
