import type { Db } from 'mongodb'
import type { Logger } from '../../core/logger.js'
import { recoverPendingMovements, type RecoveryResult } from '../shared/pending-movements.js'

export type MovementRecovery = {
  /** Starts a pass unless one is running or the last one started less than `intervalMs` ago (Vercel: per request). */
  poke(): void
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>
}

/**
 * The recovery step of the write path: finishes the movements a dead request left pending (docs/concurrency.md).
 * With `periodic`, a pass runs at once and then every `intervalMs`; otherwise only when poked. A pass only
 * touches entries older than `intervalMs`, which a live request has long finished by itself.
 */
export function startMovementRecovery(db: Db, logger: Logger, intervalMs: number, periodic = true): MovementRecovery {
  let running: Promise<void> | undefined
  let lastStart = 0
  let lastErrorLog = 0
  let stopped = false
  const pass = async () => {
    try {
      const result: RecoveryResult = await recoverPendingMovements(db, { olderThanMs: intervalMs })
      if (result.applied + result.reverted > 0) logger.warn(result, 'pending movements recovered')
    } catch (error) {
      // MongoDB unreachable, typically: the next pass tries again. Logged at most every 30 s.
      if (Date.now() - lastErrorLog > 30_000) {
        lastErrorLog = Date.now()
        logger.warn({ err: error }, 'movement recovery pass failed; retrying')
      }
    }
  }
  const poke = () => {
    if (stopped || running || Date.now() - lastStart < intervalMs) return
    lastStart = Date.now()
    running = pass().finally(() => (running = undefined))
  }
  const timer = periodic ? setInterval(poke, intervalMs) : undefined
  timer?.unref()
  if (periodic) poke()
  return {
    poke,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
