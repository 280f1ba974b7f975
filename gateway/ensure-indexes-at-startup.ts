import type { Logger } from '../core/logger.js'

/**
 * Creates the migrated routes' indexes in the background at start-up. While MongoDB is unreachable it
 * retries every `retryMs` (logged); the gateway serves meanwhile (queries work without indexes, only slower).
 * Returns a function that stops retrying (for shutdown).
 */
export function ensureIndexesAtStartup(ensure: () => Promise<void>, logger: Logger, retryMs = 5000): () => void {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const attempt = async (n: number) => {
    try {
      await ensure()
      logger.info({ attempts: n }, 'indexes ensured')
    } catch (error) {
      if (stopped) return
      logger.warn({ err: error, attempt: n, retryInMs: retryMs }, 'could not ensure indexes; retrying')
      timer = setTimeout(() => void attempt(n + 1), retryMs)
      timer.unref()
    }
  }
  void attempt(1)
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
