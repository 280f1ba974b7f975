import type { Db } from 'mongodb'
import type { Config } from '../config/config.js'
import type { LegacyForward } from '../../core/dispatch.js'
import type { Logger } from '../../core/logger.js'
import { createRedactor, type Redactor } from '../../core/redact.js'
import type { RouteDeclaration } from '../../core/route.js'
import type { GatewayMetrics } from '../observability/metrics.js'
import type { ComparisonResult } from './compare.js'
import { NoiseModel } from './noise.js'
import { ShadowRecorder } from './shadow-recorder.js'
import { shadowRunner } from './shadow-runner.js'
import { ShadowStore } from './shadow-store.js'

/** Learned noise is re-read from the store (every instance's probes) over this window, every this many flushes. */
const NOISE_WINDOW_MS = 60 * 60 * 1000
const NOISE_REFRESH_FLUSHES = 10
/** Always redacted in shadow samples, besides core/redact.ts's list: the user's name that GET /api/me shows. */
export const BUILT_IN_REDACT_FIELDS = ['me:nome']

export type Shadow = {
  recorder: ShadowRecorder
  store: ShadowStore
  noise: NoiseModel
  redactor: Redactor
  run: ReturnType<typeof shadowRunner>
  /** Writes what is buffered now (the admin endpoints call it before reading, so a reader sees its own instance's latest). */
  flush(): Promise<void>
}

export type ShadowDeps = {
  config: Config
  db: Db
  legacy: LegacyForward
  metrics: GatewayMetrics
  logger: Logger
  instance: string
  declarations: readonly RouteDeclaration[]
  /** Each comparison's result, for the guards' shared windows. */
  onResult?: (route: string, result: ComparisonResult) => void
}

/** Shadow comparisons, wired: runner → recorder → store, and the flusher that writes the store every SHADOW_FLUSH_MS. */
export function createShadow({ config, db, legacy, metrics, logger, instance, declarations, onResult }: ShadowDeps): Shadow {
  const redactor = createRedactor([...BUILT_IN_REDACT_FIELDS, ...config.SHADOW_REDACT_FIELDS])
  const store = new ShadowStore({ db, logger, instance, retentionSeconds: config.SHADOW_RETENTION_SECONDS, samplesPerRoute: config.SHADOW_SAMPLES_PER_ROUTE })
  const noise = new NoiseModel(config.SHADOW_NOISE_MIN_COUNT)
  const recorder = new ShadowRecorder(metrics, { redactor, logger, store, ...(onResult ? { onResult } : {}) })
  const run = shadowRunner(
    { legacy, recorder, noise, db, declarations },
    {
      sampleRate: config.SHADOW_SAMPLE_RATE,
      noiseSampleRate: config.SHADOW_NOISE_SAMPLE_RATE,
      recheckDelayMs: config.SHADOW_RECHECK_DELAY_MS,
      maxInFlight: config.SHADOW_MAX_IN_FLIGHT,
      bodyLimitBytes: config.SHADOW_BODY_LIMIT_BYTES,
      legacyUrl: config.LEGACY_URL,
      legacyTimeoutMs: config.LEGACY_TIMEOUT_MS,
    },
  )

  let indexes: Promise<void> | undefined
  let flushes = 0
  let running: Promise<void> | undefined
  const flushOnce = async () => {
    if (config.ENSURE_INDEXES) indexes ??= store.ensureIndexes().catch((error: unknown) => logger.warn({ err: error }, 'shadow store: indexes not created'))
    await indexes
    await store.flush()
    if (++flushes % NOISE_REFRESH_FLUSHES === 0) {
      for (const [route, counts] of await store.noise(NOISE_WINDOW_MS)) noise.absorb(route, counts)
    }
  }
  const flush = () => {
    // One flush at a time; a caller arriving meanwhile waits for it and then for one more.
    const next = (running ?? Promise.resolve()).then(flushOnce).catch((error: unknown) => logger.warn({ err: error }, 'shadow store: flush failed'))
    running = next
    return next
  }
  const timer = setInterval(() => void flush(), config.SHADOW_FLUSH_MS)
  timer.unref()
  return { recorder, store, noise, redactor, run, flush }
}
