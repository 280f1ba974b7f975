import { hash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import type { Logger } from './logger.js'

/** A cached response body (the JSON text, trailing newline included) and its ETag. */
export type CachedBody = { body: string; etag: string }

/**
 * Cache of whole response bodies of read-mostly migrated GET routes (dashboard, hierarchy), with a TTL and
 * invalidation on every write that passes through the gateway.
 *
 * Both implementations are versioned: an invalidation bumps a version and entries are stored under the version
 * they were computed in, so a body computed from data read *before* a write can never be stored as current
 * after that write's invalidation (the classic read/invalidate race), and concurrent misses of one key are
 * computed once per process (single flight).
 */
export interface ResponseCache {
  readonly kind: 'memory' | 'redis'
  readonly ttlMs: number
  getOrCompute(key: string, compute: () => Promise<string>): Promise<CachedBody>
  invalidate(): Promise<void>
  close(): Promise<void>
}

/** Weak ETag of a body (weak: the same for its gzip/br encodings). */
export function bodyEtag(body: string): string {
  // Bytes first: hashing the encoder's concatenated string directly walked it piece by piece (~120 µs for the
  // hierarchy's 37 KB body, docs/benchmarks.md); Buffer.from flattens and encodes it in ~6 µs, and the hash of the bytes is the same.
  return `W/"${hash('sha1', Buffer.from(body, 'utf8'), 'base64url')}"`
}

/** How the memory caches of sibling processes (node:cluster workers) tell each other to drop their entries. */
export type CachePeers = { broadcast(): void; onInvalidation(drop: () => void): void }
const NO_PEERS: CachePeers = { broadcast: () => undefined, onInvalidation: () => undefined }

/** `namespace`: the MongoDB database name, so gateways of different databases can share one Redis. */
export function createResponseCache(options: {
  ttlMs: number
  /** Memory cache only: most entries kept (least recently used go first). */
  maxEntries?: number
  redisUrl?: string
  namespace: string
  logger: Logger
  peers?: CachePeers
}): ResponseCache | undefined {
  if (options.ttlMs <= 0) return undefined
  if (options.redisUrl) return new RedisResponseCache(options.redisUrl, options.ttlMs, options.logger, options.namespace)
  return new MemoryResponseCache(options.ttlMs, options.maxEntries, options.peers)
}

/**
 * One process's memory, bounded: at most `maxEntries` bodies (lru-cache evicts the least recently used, so a
 * client cycling through `categoria` values can only push out entries, never grow the heap), each dropped
 * after `ttlMs`. In a node:cluster group, invalidations are relayed to the other workers over IPC.
 */
export class MemoryResponseCache implements ResponseCache {
  readonly kind = 'memory'
  private version = 0
  private readonly entries: LRUCache<string, CachedBody>
  private readonly inflight = new Map<string, Promise<CachedBody>>()

  constructor(
    readonly ttlMs: number,
    readonly maxEntries = 1000,
    private readonly peers: CachePeers = NO_PEERS,
  ) {
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs, ttlAutopurge: false })
    peers.onInvalidation(() => this.drop())
  }

  /** Entries held now (never more than `maxEntries`). */
  get size(): number {
    return this.entries.size
  }

  getOrCompute(key: string, compute: () => Promise<string>): Promise<CachedBody> {
    const entry = this.entries.get(key)
    if (entry) return Promise.resolve(entry)
    const running = this.inflight.get(key)
    if (running) return running
    const version = this.version
    const promise = compute()
      .then((body) => {
        const value = { body, etag: bodyEtag(body) }
        if (version === this.version) this.entries.set(key, value)
        return value
      })
      .finally(() => {
        if (this.inflight.get(key) === promise) this.inflight.delete(key)
      })
    this.inflight.set(key, promise)
    return promise
  }

  async invalidate(): Promise<void> {
    this.drop()
    this.peers.broadcast()
  }

  private drop(): void {
    this.version++
    this.entries.clear()
    this.inflight.clear()
  }

  async close(): Promise<void> {}
}

// One round trip: the current version and the entry stored under it.
const GET_SCRIPT = `local v = redis.call('GET', KEYS[1]) or '0'
return {v, redis.call('GET', ARGV[1] .. v .. ':' .. ARGV[2])}`
// Store only if no invalidation happened since the read (the version is unchanged).
const SET_SCRIPT = `local v = redis.call('GET', KEYS[1]) or '0'
if v == ARGV[1] then redis.call('SET', ARGV[2] .. v .. ':' .. ARGV[3], ARGV[4], 'PX', ARGV[5]) end
return v`

// Loaded only when configured: the client costs ~9 MB of memory in every process that imports it.
async function openRedis(url: string) {
  const { createClient } = await import('@redis/client')
  return createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 100, 2000) } })
}
type RedisClient = Awaited<ReturnType<typeof openRedis>>

/**
 * Shared by every gateway instance on the same Redis: one write anywhere (INCR of the version) invalidates
 * them all at once. Redis being down never fails a request: the body is computed as if uncached (logged).
 */
export class RedisResponseCache implements ResponseCache {
  readonly kind = 'redis'
  private client: RedisClient | undefined
  private readonly ready: Promise<unknown>
  private readonly inflight = new Map<string, Promise<CachedBody>>()
  private lastErrorLog = 0
  private readonly prefix: string
  private readonly versionKey: string

  constructor(
    url: string,
    readonly ttlMs: number,
    private readonly logger: Logger,
    namespace: string,
  ) {
    this.prefix = `estoque-gateway:cache:${namespace}:`
    this.versionKey = `${this.prefix}version`
    this.ready = openRedis(url)
      .then((client) => {
        client.on('error', (error: Error) => this.warn(error, 'redis error'))
        this.client = client
        return client.connect()
      })
      .catch((error: unknown) => this.warn(error, 'redis connect failed'))
  }

  getOrCompute(key: string, compute: () => Promise<string>): Promise<CachedBody> {
    const running = this.inflight.get(key)
    if (running) return running
    const promise = this.load(key, compute).finally(() => {
      if (this.inflight.get(key) === promise) this.inflight.delete(key)
    })
    this.inflight.set(key, promise)
    return promise
  }

  private async load(key: string, compute: () => Promise<string>): Promise<CachedBody> {
    let version: string | undefined
    try {
      await this.ready
      const [v, stored] = (await this.connected().eval(GET_SCRIPT, { keys: [this.versionKey], arguments: [this.prefix, key] })) as [string, string | null]
      version = v
      if (stored) {
        const newline = stored.indexOf('\n')
        return { etag: stored.slice(0, newline), body: stored.slice(newline + 1) }
      }
    } catch (error) {
      this.warn(error, 'redis cache read failed; computing uncached')
    }
    const body = await compute()
    const value = { body, etag: bodyEtag(body) }
    if (version !== undefined) {
      const args = [version, this.prefix, key, `${value.etag}\n${body}`, String(this.ttlMs)]
      await this.connected().eval(SET_SCRIPT, { keys: [this.versionKey], arguments: args }).catch((error: unknown) => this.warn(error, 'redis cache write failed'))
    }
    return value
  }

  async invalidate(): Promise<void> {
    this.inflight.clear()
    try {
      await this.ready
      await this.connected().incr(this.versionKey)
    } catch (error) {
      // The write itself succeeded; entries expire within the TTL at worst.
      this.logger.error({ err: error }, 'redis cache invalidation failed: cached bodies may be stale until their TTL')
    }
  }

  async close(): Promise<void> {
    await this.ready
    if (this.client?.isOpen) await this.client.close()
  }

  private connected(): RedisClient {
    if (!this.client) throw new Error('redis client not loaded')
    return this.client
  }

  private warn(error: unknown, message: string): void {
    const now = Date.now()
    if (now - this.lastErrorLog < 5000) return
    this.lastErrorLog = now
    this.logger.warn({ err: { message: (error as Error)?.message } }, message)
  }
}
