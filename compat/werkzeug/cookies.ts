/**
 * The `Cookie` request header read exactly as Werkzeug 3.1 reads it (`werkzeug.sansio.http.parse_cookie`),
 * so the gateway and the legacy app always see the same `session` and `remember_token` values: values are
 * not percent-decoded, quoted values lose their quotes and backslash escapes, the first of several cookies
 * with the same name wins, and malformed pieces are skipped up to the next `;`.
 */

// Werkzeug's _cookie_re, re.ASCII | re.VERBOSE, matched at a position (sticky).
// (Python's `.` excludes only "\n"; header values cannot hold line breaks anyway.)
const COOKIE_RE = /[ \t]*([^ \t=";]+)(?:[ \t]*=[ \t]*("(?:[^\\"]|\\[^\n])*"|[^ \t";]*))?[ \t]*(?:;|$)/y
const UNSLASH_RE = /\\([0-3][0-7]{2}|[^\n])/g

export function parseCookieHeader(header: string | undefined | null): Array<[string, string]> {
  const out: Array<[string, string]> = []
  if (!header) return out
  let pos = 0
  while (true) {
    COOKIE_RE.lastIndex = pos
    const match = COOKIE_RE.exec(header)
    if (match === null) {
      const next = header.indexOf(';', pos) + 1
      if (next === 0) break
      pos = next
      continue
    }
    const name = match[1]!
    let value = match[2] ?? ''
    pos = COOKIE_RE.lastIndex
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = unquote(value.slice(1, -1))
    out.push([name, value])
    if (pos >= header.length) break
  }
  return out
}

// Works on the UTF-8 bytes like Werkzeug, then decodes with errors="replace".
function unquote(inner: string): string {
  const bytes = Buffer.from(inner, 'utf8').toString('latin1')
  const replaced = bytes.replace(UNSLASH_RE, (_all, escape: string) =>
    escape.length === 1 ? escape : String.fromCharCode(Number.parseInt(escape, 8)),
  )
  return new TextDecoder('utf-8').decode(Buffer.from(replaced, 'latin1'))
}

/** `request.cookies.get(name)`: the first value, or undefined. */
export function getCookie(header: string | undefined | null, name: string): string | undefined {
  return parseCookieHeader(header).find(([cookieName]) => cookieName === name)?.[1]
}

/** `name in request.cookies`. */
export function hasCookie(header: string | undefined | null, name: string): boolean {
  return parseCookieHeader(header).some(([cookieName]) => cookieName === name)
}
