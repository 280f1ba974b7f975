import { ObjectId } from 'mongodb'

const HEX24 = /^[0-9a-fA-F]{24}$/

/** `bson.ObjectId.is_valid(value)` for a str: exactly 24 hex digits, either case. */
export function isObjectIdHex(value: string): boolean {
  return HEX24.test(value)
}

export function toObjectId(value: string): ObjectId {
  return ObjectId.createFromHexString(value.toLowerCase())
}
