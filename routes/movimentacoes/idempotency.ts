import { createHash } from 'node:crypto'
import { MongoServerError, ObjectId, type Db } from 'mongodb'

export const IDEMPOTENCY_COLLECTION = 'idempotency_keys'
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
/** A pending key whose request died without finishing (or releasing it) may be taken over after this. */
// Longer than the background compensation of a failed movement insert (apply-movement.ts), so a takeover
// never races it.
const PENDING_LEASE_MS = 90_000
const KEY_FORMAT = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/

export type StoredResponse = { status: number; body: string }
export type Claim =
  /** Go ahead; `movementId` is the id the movement must get (fixed per key, so a takeover can tell if it landed). */
  | { kind: 'new'; id: string; movementId: ObjectId; takeover: boolean }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }

/** 1–255 printable ASCII characters (no leading/trailing space). */
export function isValidIdempotencyKey(key: string): boolean {
  return KEY_FORMAT.test(key)
}

export function fingerprint(mimetype: string, body: Uint8Array): string {
  return createHash('sha256').update(mimetype).update('\n').update(body).digest('hex')
}

/** Idempotency keys per user, stored in MongoDB so every gateway instance sees them; expire by TTL index. */
export class IdempotencyStore {
  constructor(private readonly db: Db) {}

  private get keys() {
    return this.db.collection<{ _id: string } & Record<string, unknown>>(IDEMPOTENCY_COLLECTION)
  }

  /** Claims the key for this request, or says what the earlier request with the same key did. */
  async claim(userId: string, key: string, print: string): Promise<Claim> {
    const id = `${userId}:${key}`
    const now = new Date()
    const movementId = new ObjectId()
    try {
      await this.keys.insertOne({
        _id: id, user_id: userId, key, fingerprint: print, state: 'pending', movement_id: movementId,
        criado_em: now, lease_until: new Date(now.getTime() + PENDING_LEASE_MS),
      })
      return { kind: 'new', id, movementId, takeover: false }
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error
    }
    const existing = await this.keys.findOne({ _id: id })
    if (!existing) return this.claim(userId, key, print) // expired or released in between
    if (existing.fingerprint !== print) return { kind: 'mismatch' }
    if (existing.state === 'done') return { kind: 'replay', response: { status: existing.status as number, body: existing.body as string } }
    if ((existing.lease_until as Date).getTime() < now.getTime()) {
      // The earlier request died while pending: take the key over, if nobody else did first.
      const taken = await this.keys.updateOne(
        { _id: id, state: 'pending', lease_until: existing.lease_until },
        { $set: { lease_until: new Date(now.getTime() + PENDING_LEASE_MS) } },
      )
      if (taken.modifiedCount === 1) return { kind: 'new', id, movementId: existing.movement_id as ObjectId, takeover: true }
    }
    return { kind: 'in-progress' }
  }

  async complete(id: string, response: StoredResponse): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { state: 'done', status: response.status, body: response.body }, $unset: { lease_until: '' } })
  }

  /** The request failed without a definitive answer (e.g. 5xx): a retry with the same key may run again. */
  async release(id: string): Promise<void> {
    await this.keys.deleteOne({ _id: id, state: 'pending' })
  }
}

export async function ensureIdempotencyIndexes(db: Db): Promise<void> {
  await db.collection(IDEMPOTENCY_COLLECTION).createIndex({ criado_em: 1 }, { name: 'ttl_criado_em', expireAfterSeconds: IDEMPOTENCY_TTL_SECONDS })
}
