import { pino, type Logger } from 'pino'

export type { Logger }

/** Structured JSON logs on stdout, one line per event; platforms (Render, Vercel) collect stdout. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'estoque-gateway' }, timestamp: pino.stdTimeFunctions.isoTime })
}
