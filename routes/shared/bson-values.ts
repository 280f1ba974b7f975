import { Double, Int32, Long } from 'mongodb'

/** A numeric BSON value read with `promoteValues: false`, as a JS number (non-numbers pass through). */
export function plainNumber(value: unknown): unknown {
  if (value instanceof Double || value instanceof Int32) return value.value
  if (value instanceof Long) return value.toNumber()
  return value
}

/**
 * How PyMongo writes back an int it read (`estoque_anterior = item["quantidade"]`): a Python int becomes
 * int32 when it fits, else int64; a float stays a double.
 */
export function asPythonWritesIt(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Long) {
    const n = value instanceof Long ? value : Long.fromInt(value.value)
    return n.greaterThanOrEqual(Long.fromInt(-2147483648)) && n.lessThanOrEqual(Long.fromInt(2147483647)) ? new Int32(n.toInt()) : n
  }
  return value
}

/** Every field of a document read with `promoteValues: false`, with numbers made plain again. */
export function plainDocument<T extends Record<string, unknown>>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).map(([key, value]) => [key, plainNumber(value)])) as T
}
