/** Python truthiness of a value read from MongoDB (`if value:` / `value or default`). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '' || value === 0) return false
  if (typeof value === 'number' && Number.isNaN(value)) return true
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object' && value.constructor === Object) return Object.keys(value).length > 0
  return true
}
