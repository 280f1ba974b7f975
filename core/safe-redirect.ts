/**
 * Where a browser goes when it follows `Location: <value>` on a response from `origin`: the WHATWG URL
 * parser (Node's `URL` is one) resolves the value against the page's URL, after removing ASCII tab, CR and
 * LF anywhere and C0 controls and spaces at both ends, and treats `\` like `/` in http(s) URLs — so
 * `/\evil.example`, `/<TAB>/evil.example` and `\\evil.example` all lead to `evil.example`. Only a
 * value that stays on `origin` is kept.
 */
export function sameOriginLocation(location: string, origin: string): boolean {
  // What browsers strip before parsing (done explicitly: the check must not depend on a parser detail).
  const cleaned = location.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '')
  let base: URL
  let target: URL
  try {
    base = new URL(origin)
    target = new URL(cleaned, base)
  } catch {
    return false
  }
  return target.origin !== 'null' && target.origin === base.origin
}

/** `location` if it stays on `origin`, else `fallback` (a path of that origin). */
export function safeLocation(location: string, origin: string, fallback: string): string {
  return sameOriginLocation(location, origin) ? location : fallback
}
