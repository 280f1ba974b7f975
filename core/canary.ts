/**
 * Canary selection, sticky per session: the same session always lands on the same side for a given
 * percentage, and raising the percentage only moves sessions from legacy to the gateway.
 */
export function inCanary(stickyKey: string, percent: number): boolean {
  return bucketOf(stickyKey) < percent
}

/** 0–99 from a 32-bit FNV-1a hash: cheap, stable across processes and instances. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash % 100
}

/**
 * The session's identity for stickiness: the payload part of Flask's `session` cookie (which stays the
 * same when Flask re-signs it with a new timestamp), else the client address.
 */
export function stickyKey(cookieHeader: string | undefined, clientAddress: string): string {
  const session = /(?:^|;\s*)session=([^;]*)/.exec(cookieHeader ?? '')?.[1]
  if (!session) return `ip:${clientAddress}`
  const payload = session.startsWith('.') ? session.slice(1) : session
  return `session:${payload.split('.')[0]}`
}
