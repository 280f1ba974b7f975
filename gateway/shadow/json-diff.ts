/** A JSON value as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** One place where two JSON values differ. `key` is the path with array indices as `*` (what counters group by). */
export type Difference = {
  path: string
  key: string
  /** The values at `path` on each side (`undefined`: missing on that side). Arrays of different lengths give their lengths. */
  legacy?: Json | undefined
  gateway?: Json | undefined
  note?: 'missing' | 'length'
}

/** At most this many differences are listed per comparison (a broken list differs everywhere). */
export const MAX_DIFFERENCES = 50

/**
 * The first path at which two JSON values differ (`undefined` when equal), skipping paths matched by
 * `ignore` patterns: dot-separated segments where `*` matches any key or array index.
 */
export function firstDifference(left: Json, right: Json, ignore: readonly string[] = []): string | undefined {
  const [first] = jsonDifferences(left, right, ignore, 1)
  if (!first) return undefined
  const here = first.path || '(root)'
  if (first.note === 'length') return `${here} (length ${String(first.legacy)} vs ${String(first.gateway)})`
  if (first.note === 'missing') return `${here} (missing on one side)`
  return here
}

/**
 * Every path at which two JSON values differ (up to `limit`), leaves first-found in key order, skipping
 * paths matched by `ignore` (a pattern also covers everything below the path it names). Arrays of different
 * lengths are one difference at the array (with both lengths) plus the differences of their common part.
 */
export function jsonDifferences(left: Json, right: Json, ignore: readonly string[] = [], limit = MAX_DIFFERENCES): Difference[] {
  const patterns = ignore.map((pattern) => pattern.split('.'))
  const found: Difference[] = []
  walk(left, right, [], patterns, found, limit)
  return found
}

/** A path with numeric segments (array indices) as `*`: `itens.3.nome` → `itens.*.nome`. */
export function pathKey(path: readonly string[]): string {
  return path.map((segment) => (/^\d+$/.test(segment) ? '*' : segment)).join('.')
}

/** Whether a concrete path is covered by one of the patterns (a pattern covers its subtree). */
export function isCovered(path: string, patterns: readonly string[]): boolean {
  const segments = path === '' ? [] : path.split('.')
  return patterns.some((pattern) => covers(pattern.split('.'), segments))
}

function walk(left: Json, right: Json, path: string[], ignore: string[][], found: Difference[], limit: number): void {
  if (found.length >= limit) return
  if (ignore.some((pattern) => covers(pattern, path))) return
  if (left === right) return
  const add = (difference: Omit<Difference, 'path' | 'key'>) => found.push({ path: path.join('.'), key: pathKey(path), ...difference })
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null || Array.isArray(left) !== Array.isArray(right)) {
    add({ legacy: left, gateway: right })
    return
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) add({ legacy: left.length, gateway: right.length, note: 'length' })
    const common = Math.min(left.length, right.length)
    for (let index = 0; index < common && found.length < limit; index++) walk(left[index]!, right[index]!, [...path, String(index)], ignore, found, limit)
    return
  }
  const leftObject = left as Record<string, Json>
  const rightObject = right as Record<string, Json>
  const keys = new Set([...Object.keys(leftObject), ...Object.keys(rightObject)])
  for (const key of [...keys].sort()) {
    if (found.length >= limit) return
    const inLeft = Object.hasOwn(leftObject, key)
    const inRight = Object.hasOwn(rightObject, key)
    if (!inLeft || !inRight) {
      const at = [...path, key]
      if (ignore.some((pattern) => covers(pattern, at))) continue
      found.push({ path: at.join('.'), key: pathKey(at), legacy: inLeft ? leftObject[key] : undefined, gateway: inRight ? rightObject[key] : undefined, note: 'missing' })
      continue
    }
    walk(leftObject[key]!, rightObject[key]!, [...path, key], ignore, found, limit)
  }
}

/** A pattern covers a path when it matches the path's first segments (`*`: any key or index). */
function covers(pattern: string[], path: readonly string[]): boolean {
  return pattern.length <= path.length && pattern.every((segment, index) => segment === '*' || segment === path[index])
}
