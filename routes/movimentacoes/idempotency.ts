import { createHash } from 'node:crypto'
import { MongoServerError, ObjectId, type Db } from 'mongodb'

import { IDEMPOTENCY_COLLECTION } from '../shared/idempotency-commit.js'

export { IDEMPOTENCY_COLLECTION }
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
/**
 * A running request renews its key's lease every third of this; a key whose request died (no renewal) may be
 * taken over by a retry after this long. Safety does not depend on it (the key is committed by compare-and-set
 * on its owner, docs/concurrency.md); it only decides how soon a retry after a crash runs.
 */
export const DEFAULT_LEASE_MS = 5000
/** What isValidIdempotencyKey accepts (also the OpenAPI document's pattern). */
export const KEY_FORMAT = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/

export type StoredResponse = { status: number; body: string }
export type Claim =
  /** Go ahead as `owner`: the movement gets this `_id`, and only this owner may commit the key. */
  | { kind: 'new'; id: string; owner: ObjectId; takeover: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }

type KeyDocument = {
  _id: string
  user_id: string
  key: string
  fingerprint: string
  state: 'pending' | 'done'
  /** The attempt (= its movement's `_id`) allowed to commit the key. */
  owner: ObjectId
  criado_em: Date
  lease_until?: Date
  status?: number
  body?: string
}

/** 1–255 printable ASCII characters (no leading/trailing space). */
export function isValidIdempotencyKey(key: string): boolean {
  return KEY_FORMAT.test(key)
}

export function fingerprint(mimetype: string, body: Uint8Array): string {
  return createHash('sha256').update(mimetype).update('\n').update(body).digest('hex')
}

function keys(db: Db) {
  return db.collection<KeyDocument>(IDEMPOTENCY_COLLECTION)
}

/** Idempotency keys per user, stored in MongoDB so every gateway instance sees them; expire by TTL index. */
export class IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly leaseMs = DEFAULT_LEASE_MS,
  ) {}

  /**
   * Claims the key for this request, or says what the earlier request with the same key did. `settle` runs
   * before a dead request's key is taken over: it finishes what that request left pending (so its answer, if it
   * got as far as writing, is the one replayed).
   */
  async claim(userId: string, key: string, print: string, settle?: (owner: ObjectId) => Promise<void>): Promise<Claim> {
    const id = `${userId}:${key}`
    const owner = new ObjectId()
    const now = new Date()
    try {
      await keys(this.db).insertOne({
        _id: id, user_id: userId, key, fingerprint: print, state: 'pending', owner, criado_em: now, lease_until: this.leaseFrom(now),
      })
      return { kind: 'new', id, owner, takeover: false }
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error
    }
    let existing = await keys(this.db).findOne({ _id: id })
    if (!existing) return this.claim(userId, key, print, settle) // expired or released in between
    if (existing.fingerprint !== print) return { kind: 'mismatch' }
    if (existing.state === 'pending' && existing.lease_until!.getTime() < now.getTime() && settle) {
      await settle(existing.owner)
      existing = (await keys(this.db).findOne({ _id: id })) ?? existing
    }
    if (existing.state === 'done') return { kind: 'replay', response: { status: existing.status!, body: existing.body! } }
    if (existing.lease_until!.getTime() < now.getTime()) {
      // The earlier request died while pending: take the key over, if nobody else did first. From here on the
      // earlier attempt can no longer commit (a late write of it is undone, see pending-movements.ts).
      const taken = await keys(this.db).updateOne(
        { _id: id, state: 'pending', owner: existing.owner },
        { $set: { owner, lease_until: this.leaseFrom(new Date()) } },
      )
      if (taken.modifiedCount === 1) return { kind: 'new', id, owner, takeover: true }
    }
    return { kind: 'in-progress' }
  }

  /** Renews the lease while the request runs; call the returned function when it is over. */
  keepAlive(id: string, owner: ObjectId): () => void {
    const timer = setInterval(() => {
      keys(this.db).updateOne({ _id: id, state: 'pending', owner }, { $set: { lease_until: this.leaseFrom(new Date()) } }).catch(() => undefined)
    }, Math.max(50, Math.floor(this.leaseMs / 3)))
    timer.unref()
    return () => clearInterval(timer)
  }

  /** Records a definitive answer that wrote nothing (400/404), if this request still owns the key. */
  async complete(id: string, owner: ObjectId, response: StoredResponse): Promise<void> {
    await keys(this.db).updateOne(
      { _id: id, state: 'pending', owner },
      { $set: { state: 'done', status: response.status, body: response.body }, $unset: { lease_until: '' } },
    )
  }

  /** The request failed before writing anything: a retry with the same key may run at once. */
  async release(id: string, owner: ObjectId): Promise<void> {
    await keys(this.db).deleteOne({ _id: id, state: 'pending', owner })
  }

  /** The current answer of a key, if it has one. */
  async answerOf(id: string): Promise<StoredResponse | undefined> {
    const key = await keys(this.db).findOne({ _id: id })
    return key?.state === 'done' ? { status: key.status!, body: key.body! } : undefined
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs)
  }
}

export async function ensureIdempotencyIndexes(db: Db): Promise<void> {
  await db.collection(IDEMPOTENCY_COLLECTION).createIndex({ criado_em: 1 }, { name: 'ttl_criado_em', expireAfterSeconds: IDEMPOTENCY_TTL_SECONDS })
}
