import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Logger } from '../core/logger.js'
import type { WriteAdmission } from '../routes/shared/write-admission.js'

/** Share of SHUTDOWN_TIMEOUT_MS after which writes that have not started are refused (503), so started ones can finish. */
export const WRITE_CUTOFF_SHARE = 0.8

export type DrainOptions = {
  timeoutMs: number
  admission: WriteAdmission
  logger: Logger
  /** Runs once: after every connection closed and every admitted write ended, or at the deadline. Closes MongoDB. */
  release: () => Promise<void>
}

/**
 * Graceful shutdown of one HTTP server. Call `track(server)` before it listens; `drain()` on SIGTERM:
 *
 * - stops accepting connections and closes idle kept-alive ones;
 * - every response sent from then on (including those of requests already running) carries `Connection: close`,
 *   so kept-alive clients reconnect elsewhere instead of being served through the whole grace period;
 * - writes that have not started by WRITE_CUTOFF_SHARE of the timeout are refused with 503 (WriteAdmission);
 * - MongoDB is closed (`release`) only once the server has closed and no admitted write is running;
 * - at `timeoutMs` whatever is left is cut and `release` runs anyway (a write cut there is finished by the
 *   recovery step of the next process, see docs/concurrency.md).
 *
 * Resolves with whether everything finished before the deadline.
 */
export function gracefulDrain(options: DrainOptions) {
  const open = new Set<ServerResponse>()
  let draining = false
  let server: Server | undefined

  const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
    if (draining && !res.headersSent) res.setHeader('connection', 'close')
    open.add(res)
    res.once('close', () => open.delete(res))
  }

  return {
    track(target: Server) {
      server = target
      // Before the app's own listener, so the header is there before the app writes the head.
      target.prependListener('request', onRequest)
    },
    get draining() {
      return draining
    },
    async drain(): Promise<boolean> {
      if (draining || !server) return false
      draining = true
      const started = Date.now()
      for (const res of open) if (!res.headersSent) res.setHeader('connection', 'close')
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()))
      server.closeIdleConnections()
      const cutoff = setTimeout(() => options.admission.close(), Math.floor(options.timeoutMs * WRITE_CUTOFF_SHARE))
      let deadlineTimer: NodeJS.Timeout | undefined
      const deadline = new Promise<'deadline'>((resolve) => (deadlineTimer = setTimeout(() => resolve('deadline'), options.timeoutMs)))
      const finished = closed.then(() => options.admission.drained()).then(() => 'drained' as const)
      const outcome = await Promise.race([finished, deadline])
      clearTimeout(cutoff)
      clearTimeout(deadlineTimer)
      options.admission.close()
      if (outcome === 'deadline') {
        options.logger.warn({ openResponses: open.size, writesInFlight: options.admission.inFlight }, 'shutdown deadline reached: cutting what is left')
        server.closeAllConnections()
      }
      await options.release()
      options.logger.info({ ms: Date.now() - started, outcome }, 'drained')
      return outcome === 'drained'
    },
  }
}
