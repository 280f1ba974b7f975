import { Binary, Code, Double, Int32, Long, Timestamp } from 'mongodb'

/**
 * Python truthiness of a value read from MongoDB (`if value:` / `value or default`), numbers in either form
 * (plain, or BSON wrappers from `promoteValues: false`): 0, 0.0, -0.0, "", None, empty list/dict/bytes are
 * false; NaN, Decimal128 (it has no `__bool__`), dates and ids are true.
 */
export function pyTruthy(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return value
    case 'string':
      return value !== ''
    case 'number':
      return value !== 0
    case 'bigint':
      return value !== 0n
    case 'undefined':
      return false
    default:
      break
  }
  if (value === null) return false
  if (Array.isArray(value)) return value.length > 0
  if (value instanceof Double || value instanceof Int32) return value.value !== 0
  if (value instanceof Long) return value instanceof Timestamp || !value.isZero()
  if (value instanceof Code) return value.code !== ''
  if (value instanceof Binary) return value.length() > 0
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value).length > 0
  return true
}
