/**
 * Werkzeug 3.1's `parse_accept_header` and `Accept.__contains__` (`"gzip" in request.accept_encodings`).
 * Note what Werkzeug does and a client may not expect: membership ignores the quality, so `gzip;q=0` and
 * `*;q=0` are "in" the header; items with an invalid `q` (outside 0–1, not `-?\d+(\.\d+)?`) are dropped;
 * an item with options besides `q` becomes `name; opt=value` and no longer equals the bare name.
 */

const KEY = /[\w!#$%&'*+\-.^`|~]+=/y
const TOKEN = /[\w!#$%&'*+\-.^`|~]+/y
const DELIMITER = /;[ \t]*/g
const MARK = /(?:\*(\d+))?(\*)?$/
const Q_VALUE = /^-?[0-9]+(\.[0-9]+)?$/
const CHARSET_VALUE = /^([\w!#$%&*+\-.^`|~]*)'[\w!#$%&*+\-.^`|~]*'([\w!#$%&'*+\-.^`|~]+)$/
const SAFE_CHARSETS = new Set(['ascii', 'us-ascii', 'utf-8', 'iso-8859-1'])

const stripSpaceTab = (value: string) => value.replace(/^[ \t]+|[ \t]+$/g, '')

/** `unquote_header_value`: surrounding quotes removed, any backslash escape undone. */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/gs, '$1')
  return value
}

function percentDecode(value: string, encoding: string): string {
  const bytes: number[] = []
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3)
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(value[i]!, 'utf8'))
  }
  return new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'latin1').decode(new Uint8Array(bytes))
}

/** `parse_list_header`: comma-separated items, quoted strings kept whole; an unclosed quote gives no items. */
export function parseListHeader(value: string): string[] {
  const items: string[] = []
  let item = ''
  let escape = false
  let quote = false
  for (const char of value) {
    if (escape) {
      escape = false
      item += char
      continue
    }
    if (quote) {
      if (char === '\\') escape = true
      else if (char === '"') quote = false
      item += char
      continue
    }
    if (char === ',') {
      items.push(item)
      item = ''
      continue
    }
    if (char === '"') quote = true
    item += char
  }
  if (quote) return []
  items.push(item)
  return items.map(stripSpaceTab).filter((entry) => entry !== '').map(unquote)
}

/** `parse_options_header`, reduced to what the Accept parser needs: the value and the option names → values. */
export function parseOptionsHeader(header: string): { value: string; options: Map<string, string> } {
  const semicolon = header.indexOf(';')
  const value = stripSpaceTab(semicolon === -1 ? header : header.slice(0, semicolon))
  const rest = stripSpaceTab(semicolon === -1 ? '' : header.slice(semicolon + 1))
  const options = new Map<string, string>()
  if (!value || !rest) return { value, options }
  const parts: Array<[string, string]> = []
  let pos = 0
  while (pos < rest.length) {
    KEY.lastIndex = pos
    const key = KEY.exec(rest)
    if (key) {
      const name = key[0].slice(0, -1).toLowerCase()
      pos = KEY.lastIndex
      TOKEN.lastIndex = pos
      const token = TOKEN.exec(rest)
      if (token) parts.push([name, token[0]])
      else if (rest.startsWith('"', pos)) {
        let end = pos + 1
        let closed = false
        while (end < rest.length) {
          if (rest.startsWith('\\\\', end) || rest.startsWith('\\"', end)) end += 2
          else if (rest[end] === '"') {
            end += 1
            parts.push([name, rest.slice(pos, end)])
            pos = end
            closed = true
            break
          } else end += 1
        }
        if (!closed) break
      }
    }
    DELIMITER.lastIndex = pos
    const delimiter = DELIMITER.exec(rest)
    if (!delimiter) break
    pos = DELIMITER.lastIndex
  }
  const continuations = new Map<string, string[]>()
  for (let [name, raw] of parts) {
    const mark = MARK.exec(name)!
    const continued = mark[0].length > 0 && mark[1] !== undefined
    const charset = mark[0].length > 0 && mark[2] !== undefined
    if (mark[0].length > 0) name = name.slice(0, mark.index)
    let optionValue: string
    if (charset) {
      // `key*=charset''value`: percent-encoded in a known charset, else left as sent.
      const marked = CHARSET_VALUE.exec(raw)
      const encoding = marked ? marked[1]!.toLowerCase() : undefined
      const value = marked ? marked[2]! : raw
      optionValue = encoding && SAFE_CHARSETS.has(encoding) ? percentDecode(value, encoding) : value
    } else optionValue = unquote(raw).replaceAll('%22', '"')
    if (continued) {
      options.delete(name)
      continuations.set(name, [...(continuations.get(name) ?? []), optionValue])
    } else {
      continuations.delete(name)
      options.set(name, optionValue)
    }
  }
  for (const [name, values] of continuations) options.set(name, values.join(''))
  return { value, options }
}

/** The accepted items as Werkzeug keeps them: `[value, quality]`, in header order. */
export function parseAcceptHeader(header: string | undefined | null): Array<[string, number]> {
  if (!header) return []
  const result: Array<[string, number]> = []
  for (const item of parseListHeader(header)) {
    const { value, options } = parseOptionsHeader(item)
    let quality = 1
    if (options.has('q')) {
      const text = stripSpaceTab(options.get('q')!)
      options.delete('q')
      if (!Q_VALUE.test(text)) continue
      quality = Number(text)
      if (quality < 0 || quality > 1) continue
    }
    // With other options left, Werkzeug rebuilds `value; key=value`: it no longer equals a bare name.
    result.push([options.size > 0 ? `${value}; …` : value, quality])
  }
  return result
}

/** `name in request.accept_encodings` (Accept.__contains__: `*` or a case-insensitive match, any quality). */
export function acceptEncodingsContain(header: string | undefined | null, name: string): boolean {
  return parseAcceptHeader(header).some(([item]) => item === '*' || item.toLowerCase() === name.toLowerCase())
}
