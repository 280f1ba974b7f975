// `request.args` as Werkzeug 3 builds it: `urllib.parse.parse_qsl(query.decode(), keep_blank_values=True,
// errors="werkzeug.url_quote")`. Keys are flat strings, `+` is a space, and bytes that do not decode as UTF-8
// stay percent-encoded (uppercase hex) instead of failing or becoming U+FFFD.

export class QueryDecodeError extends Error {}

/** The raw query (after `?`) → the first value of each key, like `request.args.get(key)`. */
export function parseArgs(rawQuery: string): Map<string, string> {
  // Werkzeug decodes the raw query bytes as strict UTF-8 first (a raw non-UTF-8 byte is a server error).
  const bytes = Buffer.from(rawQuery, 'latin1')
  let query: string
  try {
    query = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new QueryDecodeError('query string is not UTF-8')
  }
  const args = new Map<string, string>()
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = unquotePlus(eq === -1 ? part : part.slice(0, eq))
    const value = eq === -1 ? '' : unquotePlus(part.slice(eq + 1))
    if (!args.has(name)) args.set(name, value)
  }
  return args
}

/** The query part of a raw request target (`/path?query`), without the `?`. */
export function rawQueryOf(target: string): string {
  const start = target.indexOf('?')
  if (start === -1) return ''
  const hash = target.indexOf('#', start)
  return target.slice(start + 1, hash === -1 ? undefined : hash)
}

function unquotePlus(text: string): string {
  const withSpaces = text.replace(/\+/g, ' ')
  if (!withSpaces.includes('%')) return withSpaces
  const bytes: number[] = []
  for (let i = 0; i < withSpaces.length; ) {
    const char = withSpaces[i]!
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(withSpaces.slice(i + 1, i + 3))) {
      bytes.push(parseInt(withSpaces.slice(i + 1, i + 3), 16))
      i += 3
      continue
    }
    const codePoint = withSpaces.codePointAt(i)!
    bytes.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'))
    i += codePoint > 0xffff ? 2 : 1
  }
  return decodeUtf8Requoting(bytes)
}

/** UTF-8 decoding where each byte of an invalid sequence becomes `%XX`, like Python's werkzeug.url_quote handler. */
function decodeUtf8Requoting(bytes: number[]): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i)
    if (length > 0) {
      out += Buffer.from(bytes.slice(i, i + length)).toString('utf8')
      i += length
      continue
    }
    // Python reports the maximal invalid subpart; the handler re-quotes every byte of it, so one byte at a time
    // gives the same text as long as the subpart's length is computed the same way.
    const bad = Math.max(1, -length)
    for (let k = 0; k < bad; k++) out += `%${bytes[i + k]!.toString(16).toUpperCase().padStart(2, '0')}`
    i += bad
  }
  return out
}

/** Length of the valid UTF-8 sequence at `i`, or minus the length of the maximal invalid subpart there. */
function validSequenceLength(bytes: number[], i: number): number {
  const first = bytes[i]!
  if (first < 0x80) return 1
  let need: number
  let low = 0x80
  let high = 0xbf
  if (first >= 0xc2 && first <= 0xdf) need = 1
  else if (first >= 0xe0 && first <= 0xef) {
    need = 2
    if (first === 0xe0) low = 0xa0
    if (first === 0xed) high = 0x9f
  } else if (first >= 0xf0 && first <= 0xf4) {
    need = 3
    if (first === 0xf0) low = 0x90
    if (first === 0xf4) high = 0x8f
  } else return -1
  for (let k = 1; k <= need; k++) {
    const byte = bytes[i + k]
    const ok = byte !== undefined && (k === 1 ? byte >= low && byte <= high : byte >= 0x80 && byte <= 0xbf)
    if (!ok) return -k
  }
  return need + 1
}

/** `request.args.get(name)` where an empty value counts as absent (`if value:` in the legacy code). */
export function nonEmptyArg(args: Map<string, string>, name: string): string | undefined {
  const value = args.get(name)
  return value === undefined || value === '' ? undefined : value
}
