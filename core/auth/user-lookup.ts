import { LRUCache } from 'lru-cache'
import type { Collection, ObjectId } from 'mongodb'

export type UserDoc = { _id: ObjectId; email: string; nome?: string | null }
export type UserLookup = (userId: ObjectId) => Promise<UserDoc | null>

export type UserLookupOptions = {
  /** How long a found (active) user is trusted without asking MongoDB again; 0 = every request asks. */
  ttlMs: number
  /** Most users kept (least recently used dropped first). */
  maxEntries: number
  /** Clock in ms (tests); performance.now() by default. */
  now?: () => number
}

/**
 * Flask-Login's `load_user` for migrated routes: `{_id, ativo: true}`, only the fields the gateway uses.
 *
 * With `ttlMs > 0` an active user's document is remembered for at most `ttlMs` (a bounded LRU; concurrent
 * lookups of one user share one query), so a burst of requests of one session costs one query. The price,
 * and the bound: a user deactivated (or removed) in MongoDB is still let in for up to `ttlMs` after the
 * lookup that found them active. Misses (unknown or inactive users) are never remembered, so a
 * reactivated user gets in at once and garbage ids cannot fill the cache.
 */
export function createUserLookup(users: Collection<UserDoc>, options: UserLookupOptions): UserLookup {
  const query = (userId: ObjectId) => users.findOne({ _id: userId, ativo: true }, { projection: { _id: 1, email: 1, nome: 1 } })
  if (options.ttlMs <= 0) return query
  const cache = new LRUCache<string, UserDoc, ObjectId>({
    max: options.maxEntries,
    ttl: options.ttlMs,
    // Age from the lookup, not from the last use: the TTL bounds how stale an entry can be.
    updateAgeOnGet: false,
    allowStale: false,
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    fetchMethod: async (_key, _stale, { context }) => (await query(context)) ?? undefined,
  })
  return async (userId) => (await cache.fetch(userId.toHexString(), { context: userId })) ?? null
}
