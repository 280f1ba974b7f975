/** A JSON value as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * The first path at which two JSON values differ (`undefined` when equal), skipping paths matched by
 * `ignore` patterns: dot-separated segments where `*` matches any key or array index.
 */
export function firstDifference(left: Json, right: Json, ignore: readonly string[] = []): string | undefined {
  const patterns = ignore.map((pattern) => pattern.split('.'))
  return walk(left, right, [], patterns)
}

function walk(left: Json, right: Json, path: string[], ignore: string[][]): string | undefined {
  if (ignore.some((pattern) => matches(pattern, path))) return undefined
  if (left === right) return undefined
  const here = path.join('.') || '(root)'
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return here
  if (Array.isArray(left) !== Array.isArray(right)) return here
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) return `${here} (length ${left.length} vs ${right.length})`
    for (let index = 0; index < left.length; index++) {
      const found = walk(left[index]!, right[index]!, [...path, String(index)], ignore)
      if (found) return found
    }
    return undefined
  }
  const leftObject = left as Record<string, Json>
  const rightObject = right as Record<string, Json>
  const keys = new Set([...Object.keys(leftObject), ...Object.keys(rightObject)])
  for (const key of [...keys].sort()) {
    if (!(key in leftObject) || !(key in rightObject)) {
      if (ignore.some((pattern) => matches(pattern, [...path, key]))) continue
      return `${[...path, key].join('.')} (missing on one side)`
    }
    const found = walk(leftObject[key]!, rightObject[key]!, [...path, key], ignore)
    if (found) return found
  }
  return undefined
}

function matches(pattern: string[], path: string[]): boolean {
  return pattern.length === path.length && pattern.every((segment, index) => segment === '*' || segment === path[index])
}
