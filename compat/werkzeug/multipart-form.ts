/**
 * The text fields of a `multipart/form-data` body (`request.form`; parts with a `filename` are files and are
 * left out), read only where the result is unambiguous: what browsers send — CRLF line breaks, the body
 * starting at the first delimiter, `Content-Disposition: form-data; name=…[; filename=…]` with plain quoted
 * or token values, an optional `Content-Type` whose charset is UTF-8, field text that is valid UTF-8.
 * Werkzeug 3.1 accepts more (bare LF/CR breaks, a preamble, RFC 2231 names, other charsets, invalid UTF-8
 * replaced); for any of that this returns `null` and the caller decides (the login refuses it, docs/auth.md).
 */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const MAX_PARTS = 1000 // Werkzeug's max_form_parts

/** The `boundary` parameter of a multipart Content-Type, if it is one Werkzeug accepts (`is_valid_multipart_boundary`). */
export function multipartBoundary(contentType: string): string | null {
  const match = /;\s*boundary=(?:"([^"\\]*)"|([^";\s]+))\s*(?:;|$)/i.exec(contentType)
  const boundary = match ? (match[1] ?? match[2]!) : null
  return boundary !== null && /^[ -~]{0,200}[!-~]$/.test(boundary) ? boundary : null
}

export function parseMultipartForm(body: Uint8Array, contentType: string): Array<[string, string]> | null {
  const boundary = multipartBoundary(contentType)
  if (boundary === null) return null
  const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const first = Buffer.from(`--${boundary}\r\n`)
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const closed = data.toString('latin1')
  if (closed === `--${boundary}--` || closed === `--${boundary}--\r\n`) return [] // no parts at all
  if (!data.subarray(0, first.length).equals(first)) return null
  const fields: Array<[string, string]> = []
  let position = first.length
  for (let parts = 0; parts < MAX_PARTS; parts++) {
    const headersEnd = data.indexOf(HEADER_END, position)
    if (headersEnd === -1) return null
    const headers = partHeaders(data.subarray(position, headersEnd))
    if (headers === null) return null
    const contentStart = headersEnd + HEADER_END.length
    const contentEnd = data.indexOf(delimiter, contentStart)
    if (contentEnd === -1) return null
    if (headers.filename === undefined) {
      let value: string
      try {
        value = utf8.decode(data.subarray(contentStart, contentEnd))
      } catch {
        return null
      }
      fields.push([headers.name, value])
    }
    position = contentEnd + delimiter.length
    const after = data.subarray(position, position + 2).toString('latin1')
    if (after === '--') {
      const rest = data.subarray(position + 2)
      return rest.length === 0 || rest.equals(CRLF) ? fields : null
    }
    if (after !== '\r\n') return null
    position += 2
  }
  return null
}

type PartHeaders = { name: string; filename?: string }

function partHeaders(block: Buffer): PartHeaders | null {
  let text: string
  try {
    text = utf8.decode(block)
  } catch {
    return null
  }
  let disposition: PartHeaders | null = null
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) return null
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'content-disposition') {
      if (disposition) return null
      disposition = formDataDisposition(value)
      if (!disposition) return null
    } else if (name === 'content-type') {
      const charset = /;\s*charset=("?)([^";\s]*)\1\s*(?:;|$)/i.exec(value)?.[2]?.toLowerCase()
      if (charset !== undefined && charset !== 'utf-8') return null
    } else {
      return null
    }
  }
  return disposition
}

function formDataDisposition(value: string): PartHeaders | null {
  const [type, ...params] = value.split(';')
  if (type!.trim().toLowerCase() !== 'form-data') return null
  const seen = new Map<string, string>()
  for (const param of params) {
    const match = /^\s*([A-Za-z]+)=(?:"([^"\\]*)"|(\S+?))\s*$/.exec(param)
    if (!match) return null
    const key = match[1]!.toLowerCase()
    const text = match[2] ?? match[3]!
    if ((key !== 'name' && key !== 'filename') || seen.has(key) || (match[3] !== undefined && !TOKEN.test(text))) return null
    seen.set(key, text)
  }
  const name = seen.get('name')
  if (name === undefined) return null
  const filename = seen.get('filename')
  return filename === undefined ? { name } : { name, filename }
}
