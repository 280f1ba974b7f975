import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * Structured JSON logs on stdout, one line per event; platforms (Render, Vercel) collect stdout.
 *
 * `flushMs > 0` (the default, LOG_FLUSH_MS): lines are buffered and written at most `flushMs` ms after the first
 * one, or as soon as 4 KiB are pending, and flushed synchronously at exit — one write(2) per ~20 request lines
 * instead of one per line, which was the largest single cost of a proxied request (docs/benchmarks.md). The flush
 * timer is armed by a line, so an idle process makes no write at all. `0`: every line is written synchronously
 * (tests that read the log right after a response use this).
 */
export function createLogger(level: string, flushMs = 0): Logger {
  const options = { level, base: { service: 'estoque-gateway' }, timestamp: pino.stdTimeFunctions.isoTime }
  if (flushMs <= 0) return pino(options)
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 })
  let armed = false
  const flush = () => {
    armed = false
    try {
      destination.flush()
    } catch {
      // destroyed at exit
    }
  }
  const streamWrite = (line: string) => {
    if (!armed) {
      armed = true
      setTimeout(flush, flushMs).unref()
    }
    return line
  }
  return pino({ ...options, hooks: { streamWrite } }, destination)
}
