import { z } from 'zod'
import { parseTrustProxy } from '../../core/forwarding-trust.js'

// Every limit and timeout the gateway applies is a named setting here, with its default, so operators can
// find them in one place (the README's config table mirrors this schema).
const port = z.coerce.number().int().min(1).max(65535)
const positiveMs = z.coerce.number().int().positive()
const httpUrl = z
  .url({ protocol: /^http$/, error: 'expected an http:// URL such as http://127.0.0.1:5000 (https:// upstreams are not supported: reach the legacy app over the private network)' })
  .transform((value) => value.replace(/\/+$/, ''))
const mongoUri = z
  .string({ error: 'required: a MongoDB connection string such as mongodb://127.0.0.1:27017' })
  .regex(/^mongodb(\+srv)?:\/\/.+/, 'expected a MongoDB connection string (mongodb:// or mongodb+srv://)')
const bytes = z.coerce.number().int().positive()
const onOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((value) => value === 'on' || value === 'true' || value === '1')
const commaList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))

export const configSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LEGACY_URL: httpUrl.default('http://127.0.0.1:5000'),
  MONGODB_URI: mongoUri,
  MONGODB_DB: z.string().regex(/^[^/\\. "$]{1,63}$/, 'expected a MongoDB database name').default('estoque'),
  SECRET_KEY: z.string({ error: "required: the legacy Flask app's SECRET_KEY" }).min(1, "required: the legacy Flask app's SECRET_KEY"),
  SECRET_KEY_FALLBACKS: commaList,
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: positiveMs.default(1500),
  MONGODB_OPERATION_TIMEOUT_MS: positiveMs.default(5000),
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(50),
  /** Migrated requests running their queries at once, per process (0 = no bound); the rest wait in a FIFO queue. */
  MONGODB_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(0).max(1000).default(8),
  /** Requests waiting for the database at most, per process; one more is answered 503 at once. */
  /** The concurrency bound follows MongoDB's latency, between 2 and MONGODB_MAX_CONCURRENT_REQUESTS (core/db-admission.ts). */
  MONGODB_ADAPTIVE_CONCURRENCY: onOff.default(true),
  MONGODB_MAX_QUEUED_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(1000),
  /** Longest wait in that queue before a 503. */
  MONGODB_QUEUE_TIMEOUT_MS: positiveMs.default(10_000),
  /** UTF-8 validation of strings the driver decodes (off: invalid bytes become U+FFFD instead of an error). */
  MONGODB_UTF8_VALIDATION: onOff.default(true),
  /** How long an active session user is trusted without a lookup (0 = a lookup per request); see docs/auth.md. */
  SESSION_USER_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  SESSION_USER_CACHE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Verified session cookies kept (LRU; the age rule is applied on every hit); 0 = verify every request's cookie. */
  SESSION_COOKIE_CACHE_MAX: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  LEGACY_CONNECT_TIMEOUT_MS: positiveMs.default(2000),
  LEGACY_TIMEOUT_MS: positiveMs.default(60000),
  /** Reuse connections to the legacy app (off: a new connection per proxied request, for servers that mishandle reuse). */
  LEGACY_KEEP_ALIVE: onOff.default(true),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  // The edge in front of the legacy app's sync workers (docs/proxy.md, "Buffering" and "Overload"); nginx's
  // defaults are the reference where nginx has the same knob.
  /** Request bodies are read whole before the legacy app sees them: this much in memory, the rest in a temp file. */
  LEGACY_REQUEST_BUFFER_BYTES: bytes.default(64 * 1024),
  /** Largest proxied request body (the legacy app's MAX_CONTENT_LENGTH): 413 beyond. */
  LEGACY_MAX_BODY_BYTES: bytes.default(32 * 1024 * 1024),
  /** A request body that stays silent this long between two reads gets 408 (nginx client_body_timeout). */
  LEGACY_CLIENT_BODY_TIMEOUT_MS: positiveMs.default(60_000),
  /** Response bytes read ahead of a slow client in memory per response (then spooled to a temp file). */
  LEGACY_RESPONSE_BUFFER_BYTES: bytes.default(256 * 1024),
  /** Largest temp file per response for a slow client (nginx proxy_max_temp_file_size); beyond it the legacy app waits for the client. */
  LEGACY_RESPONSE_TEMP_FILE_MAX_BYTES: z.coerce.number().int().min(0).default(1024 * 1024 * 1024),
  /** Where request and response spools live (files are unlinked as soon as they are opened). */
  LEGACY_TEMP_DIR: z.string().min(1).optional(),
  /** Short requests in flight to the legacy app at once (its sync workers plus a margin). */
  LEGACY_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(4),
  /** Server-Sent Events streams in flight to the legacy app at once, counted apart from short requests. */
  LEGACY_MAX_STREAMS: z.coerce.number().int().min(0).max(10_000).default(1),
  /** Requests waiting for a free slot (per pool); beyond it, 503 at once. */
  LEGACY_QUEUE_SIZE: z.coerce.number().int().min(0).max(100_000).default(64),
  /** Longest wait in the queue before a 503. */
  LEGACY_QUEUE_TIMEOUT_MS: positiveMs.default(10_000),
  /** `Retry-After` (seconds) of those 503s. */
  LEGACY_RETRY_AFTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(5),
  /** Node's server.headersTimeout: the whole request head must arrive within this (nginx client_header_timeout). */
  HEADERS_TIMEOUT_MS: positiveMs.default(60_000),
  /** Node's server.requestTimeout: the whole request (head and body) must arrive within this; 0 = no limit. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(0).default(300_000),
  /** POST /login in either mode (docs/auth.md): attempts per client address, failed attempts per e-mail, per minute. */
  LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(10),
  LOGIN_RATE_LIMIT_PER_EMAIL: z.coerce.number().int().positive().default(5),
  /** On SIGTERM: in-flight requests may finish this long; writes not started by 80% of it get 503 (docs/reliability.md). */
  SHUTDOWN_TIMEOUT_MS: positiveMs.default(10000),
  /** How often pending movements a dead process left are finished (and how old they must be). */
  WRITE_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  /** Lease of a running Idempotency-Key request, renewed every third of it: a retry after a crash runs after this. */
  IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(5000),
  /** Create the migrated routes' indexes at start-up (off for a database user without createIndex). */
  ENSURE_INDEXES: onOff.default(true),
  /** Write concern of the gateway's writes: `majority` or a number of members; journaled with MONGODB_WRITE_JOURNAL. */
  MONGODB_WRITE_CONCERN: z.union([z.literal('majority'), z.coerce.number().int().min(0).max(50)]).default('majority'),
  MONGODB_WRITE_JOURNAL: onOff.default(true),
  /** Read concern of the gateway's reads: `majority` (only acknowledged-by-a-majority data) or `local`. */
  MONGODB_READ_CONCERN: z.enum(['majority', 'local']).default('majority'),
  ROUTE_MODES: z.string().default(''),
  ROUTES_FILE: z.string().optional(),
  ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** How often every process re-reads the live route overrides from MongoDB (a change applies everywhere within it). */
  LIVE_REFRESH_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Guards' sliding window when a route's guards do not set `windowSeconds` (docs/routes.md, "Guards"). */
  GUARD_WINDOW_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  /** Requests a side needs in the window before a guard judges it, when the route's guards do not set `minRequests`. */
  GUARD_MIN_REQUESTS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** How often every process reads the shared windows and schedules, judges the guards and steps the schedules. */
  GUARD_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** How often each process writes its outcome counts into the shared windows (one bulk write). */
  WINDOW_FLUSH_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Outcome counters (route × side × 5 s bucket) a process holds between writes; samples beyond are dropped and counted. */
  WINDOW_BUFFER_MAX: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Consecutive runs failing on an unreachable database that open the breaker (0 = no breaker). */
  DB_BREAKER_FAILURES: z.coerce.number().int().min(0).max(10_000).default(5),
  /** How long an open breaker answers 503 at once before one probe run is let through. */
  DB_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** This instance's name in the audit log and /_gateway/status (default: host name and process id). */
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  /** `production` closes the admin endpoints unless ADMIN_TOKEN is set. */
  NODE_ENV: z.string().optional(),
  /** Peers allowed to set forwarding headers: none (default), a hop count, or addresses/CIDRs (docs/proxy.md). */
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseTrustProxy(value)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `expected none, a hop count, or addresses/CIDRs (loopback, private): ${(error as Error).message}` })
        return z.NEVER
      }
    }),
  SHADOW_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  // Shadow comparisons (docs/routes.md, "Shadow mode"): sampling, re-check, noise learning, the shared store.
  /** Share of a shadow route's requests compared (a route's `shadow.sampleRate` / ROUTES_FILE `shadowSampleRate` wins). */
  SHADOW_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  /** A mismatching GET is asked again of both sides after this long and counts only if it persists (0 = no re-check). */
  SHADOW_RECHECK_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(200),
  /** Share of compared GETs on which the legacy app is asked twice, to learn the paths that differ on their own. */
  SHADOW_NOISE_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.1),
  /** Times a path must differ between the legacy app's own answers before it counts as noise. */
  SHADOW_NOISE_MIN_COUNT: z.coerce.number().int().min(1).max(1000).default(2),
  /** Comparisons running at once per process; more requests are answered but not compared. */
  SHADOW_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(8),
  /** Field names redacted (besides e-mails, users' names, passwords, tokens …) before a sample is stored or shown. */
  SHADOW_REDACT_FIELDS: commaList,
  /** How often each process writes its buffered shadow counters and samples to MongoDB. */
  SHADOW_FLUSH_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** Shadow counters and samples expire this long after they were written (TTL indexes). */
  SHADOW_RETENTION_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(86_400),
  /** Mismatch samples kept per route in the shared store (the newest). */
  SHADOW_SAMPLES_PER_ROUTE: z.coerce.number().int().min(1).max(1000).default(20),
  /** Per-request Prometheus metrics (request histogram, recent-latency summary); off saves their CPU. */
  REQUEST_METRICS: onOff.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** V8's old generation may grow this % past the last full collection's survivors (0 = V8's default, up to 300 %). */
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(50),
  /** Log lines are buffered up to this long (0 = one synchronous write per line). */
  LOG_FLUSH_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  /** Node processes (node:cluster workers) sharing the port; 1 = no cluster. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Response cache of GET /api/dashboard and /api/estoque/hierarquia: 0 = off (default, see docs/benchmarks.md). */
  CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
  /** Memory response cache: most bodies kept (LRU), whatever clients put in the query string. */
  CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** Shared cache and invalidation across instances (else in memory, per process group). */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }).optional(),
  /** gzip/brotli of the gateway's own JSON responses when the client accepts it. */
  COMPRESSION: onOff.default(true),
  /** ETag on the gateway's own GET responses, 304 when If-None-Match matches. */
  ETAG: onOff.default(true),
})

export type Config = z.infer<typeof configSchema>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses the environment; empty strings count as unset so `FOO=` falls back to the default. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const result = configSchema.safeParse(present)
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  )
}
