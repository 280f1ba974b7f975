/**
 * `application/x-www-form-urlencoded` bodies and query strings read like Werkzeug reads them
 * (`parse_qsl(data.decode(), keep_blank_values=True, errors="werkzeug.url_quote")`), but only when the
 * result is unambiguous: the bytes are valid UTF-8 and every percent-escape decodes to valid UTF-8. For
 * anything else Python keeps undecodable escapes as literal text, a corner the gateway does not reproduce:
 * it returns `null` and the caller hands the request to the legacy app.
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function parseUrlencodedStrict(data: Uint8Array): Array<[string, string]> | null {
  let text: string
  try {
    text = utf8.decode(data)
  } catch {
    return null
  }
  const pairs: Array<[string, string]> = []
  for (const piece of text.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    const name = unquotePlus(eq === -1 ? piece : piece.slice(0, eq))
    const value = unquotePlus(eq === -1 ? '' : piece.slice(eq + 1))
    if (name === null || value === null) return null
    pairs.push([name, value])
  }
  return pairs
}

/** `urllib.parse.unquote_plus`, or null where the escapes do not form valid UTF-8. */
function unquotePlus(text: string): string | null {
  const spaced = text.replaceAll('+', ' ')
  if (!spaced.includes('%')) return spaced
  const bytes: number[] = []
  for (let index = 0; index < spaced.length; ) {
    const char = spaced[index]!
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(spaced.slice(index + 1, index + 3))) {
      bytes.push(Number.parseInt(spaced.slice(index + 1, index + 3), 16))
      index += 3
      continue
    }
    for (const byte of Buffer.from(char, 'utf8')) bytes.push(byte)
    index += 1
  }
  try {
    return utf8.decode(Uint8Array.from(bytes))
  } catch {
    return null
  }
}

/** `MultiDict.get(name)`: the first value. */
export function firstValue(pairs: Array<[string, string]>, name: string): string | undefined {
  return pairs.find(([key]) => key === name)?.[1]
}
