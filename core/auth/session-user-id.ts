import { ObjectId } from 'mongodb'

/**
 * The user `_id` that Flask-Login's session value `_user_id` names, as the legacy `load_user` reads it:
 * `ObjectId.is_valid(user_id)` accepts a 24-character hex string (either case) or 12 raw bytes (a `bytes`
 * value tagged ` b` in the session). Anything else names nobody.
 */
export function sessionUserObjectId(userId: unknown): ObjectId | null {
  if (typeof userId === 'string') return /^[0-9a-fA-F]{24}$/.test(userId) ? ObjectId.createFromHexString(userId.toLowerCase()) : null
  if (Buffer.isBuffer(userId) && userId.length === 12) return new ObjectId(Uint8Array.from(userId))
  return null
}
