import { BSON, type Document } from 'mongodb'

const { EJSON } = BSON

/** The response headers parity compares, byte for byte (set-cookie: the cookie names only). */
export const HEADERS_THAT_MATTER = ['content-type', 'location', 'vary', 'cache-control', 'set-cookie'] as const

export type Answer = {
  status: number
  headers: Record<string, string>
  upstream: string | null
  /** The body bytes as sent (decompressed by fetch), read as UTF-8 only for messages. */
  body: Buffer
  text: string
}

export async function answer(response: Response): Promise<Answer> {
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  for (const name of HEADERS_THAT_MATTER) {
    if (name === 'set-cookie') {
      const names = response.headers.getSetCookie().map((cookie) => cookie.split('=', 1)[0]!.trim())
      if (names.length > 0) headers[name] = names.join(', ')
      continue
    }
    const value = response.headers.get(name)
    if (value !== null) headers[name] = name === 'vary' ? normalizeVary(value) : value
  }
  return { status: response.status, headers, upstream: response.headers.get('x-gateway-upstream'), body, text: body.toString('utf8') }
}

// `Vary: Cookie` and `Vary: cookie` mean the same; a repeated token (two layers adding it) too.
const normalizeVary = (value: string) => [...new Set(value.split(',').map((token) => token.trim().toLowerCase()))].sort().join(', ')

/**
 * The headers compared, with the one documented allowance (docs/compatibility.md): the gateway compresses
 * large JSON bodies, so it may say `Vary: Accept-Encoding` where the legacy app (which does not) does not.
 */
export function comparedHeaders(gateway: Answer, legacy: Answer): { gateway: Record<string, string>; legacy: Record<string, string> } {
  const vary = gateway.headers.vary?.split(', ')
  if (!vary?.includes('accept-encoding') || legacy.headers.vary?.split(', ').includes('accept-encoding')) return { gateway: gateway.headers, legacy: legacy.headers }
  const { vary: _, ...rest } = gateway.headers
  const kept = vary.filter((token) => token !== 'accept-encoding').join(', ')
  return { gateway: kept ? { ...rest, vary: kept } : rest, legacy: legacy.headers }
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/
const OBJECT_ID = /^[0-9a-f]{24}$/

/**
 * The body bytes with each generated value (a JSON path to a string: an id or an http-date) replaced by a
 * marker of its form, so two sides that generated different ids compare equal only if everything else is.
 */
export function maskGenerated(text: string, paths: readonly string[] = []): string {
  if (paths.length === 0) return text
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return text
  }
  let masked = text
  for (const path of paths) {
    const value = path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), json)
    if (typeof value !== 'string') continue
    const form = OBJECT_ID.test(value) ? 'object-id' : HTTP_DATE.test(value) ? 'http-date' : 'unexpected-form'
    masked = masked.split(JSON.stringify(value)).join(`"<${path}: ${form}>"`)
  }
  return masked
}

/** Stored documents with BSON types made visible (int vs double), timestamps replaced by "changed since". */
export function storedForm(docs: Document[], since: Date, drop: string[]): unknown[] {
  return docs.map((doc) => {
    const copy: Document = { ...doc }
    for (const field of drop) {
      const value = copy[field]
      copy[field] = value instanceof Date ? (value.getTime() > since.getTime() ? 'new' : 'seeded') : value
    }
    return EJSON.serialize(copy, { relaxed: false })
  })
}

/** Whether an ObjectId (hex) was generated at or after `since` (seeded ids carry a 2020 timestamp). */
export const isNewId = (hex: string, since: Date) => parseInt(hex.slice(0, 8), 16) >= Math.floor(since.getTime() / 1000)
