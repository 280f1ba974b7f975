/**
 * Flask's `TaggedJSONSerializer` (flask/json/tag.py), the session's JSON dialect. A JSON object with exactly
 * one key that is a registered tag stands for a non-JSON Python value:
 *
 * | tag   | Python      | JSON value                     | here                          |
 * |-------|-------------|--------------------------------|-------------------------------|
 * | ` t`  | tuple       | list                           | `PyTuple`                     |
 * | ` u`  | UUID        | 32 hex digits                  | `PyUuid`                      |
 * | ` b`  | bytes       | standard base64                | `Buffer`                      |
 * | ` m`  | Markup      | string                         | `PyMarkup`                    |
 * | ` d`  | datetime    | HTTP date                      | `Date` (or `null`: Werkzeug's `parse_date` gives None) |
 * | ` di` | dict escape | `{"<key>__": value}`           | `{ <key>: value }`            |
 *
 * Untagging runs bottom-up exactly like `_untag_scan`. Where Python's `to_python` raises, the whole payload
 * is rejected (itsdangerous turns it into `BadPayload`, Flask into an empty session); `TaggedJsonError`
 * marks those cases.
 */
import { a2bBase64Lenient } from '../python/base64.js'

export class TaggedJsonError extends Error {
  override name = 'TaggedJsonError'
}

export class PyTuple {
  constructor(readonly items: unknown[]) {}
}
export class PyUuid {
  /** 32 lowercase hex digits (Python's `UUID.hex`). */
  constructor(readonly hex: string) {}
}
export class PyMarkup {
  constructor(readonly html: string) {}
}

const TAGS = new Set([' di', ' t', ' u', ' b', ' m', ' d'])

/** `TaggedJSONSerializer.loads`. Throws (SyntaxError or TaggedJsonError) where Python raises. */
export function taggedJsonLoads(text: string): unknown {
  return untagScan(JSON.parse(text))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype
}

function untagScan(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untagScan)
  if (isPlainObject(value)) {
    const scanned: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) scanned[key] = untagScan(item)
    return untag(scanned)
  }
  return value
}

function untag(value: Record<string, unknown>): unknown {
  const keys = Object.keys(value)
  if (keys.length !== 1) return value
  const key = keys[0]!
  if (!TAGS.has(key)) return value
  const inner = value[key]
  switch (key) {
    case ' t':
      return new PyTuple(toTuple(inner))
    case ' u':
      return new PyUuid(toUuidHex(inner))
    case ' b':
      return toBytes(inner)
    case ' m':
      return new PyMarkup(pythonStr(inner))
    case ' d':
      return toDate(inner)
    default:
      return toDict(inner)
  }
}

// tuple(value): any iterable. A str gives its characters, a dict its keys; numbers, bools, None raise.
function toTuple(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (value instanceof PyTuple) return value.items
  if (typeof value === 'string') return Array.from(value)
  if (value instanceof PyMarkup) return Array.from(value.html)
  if (isPlainObject(value)) return Object.keys(value)
  if (Buffer.isBuffer(value)) return Array.from(value)
  throw new TaggedJsonError('tuple() of a non-iterable')
}

// UUID(value): strips "urn:", "uuid:", braces and hyphens, then needs 32 characters that int(x, 16) reads.
function toUuidHex(value: unknown): string {
  if (typeof value !== 'string') throw new TaggedJsonError('UUID() of a non-string')
  const hex = stripChars(value.replaceAll('urn:', '').replaceAll('uuid:', ''), '{}').replaceAll('-', '')
  if (hex.length !== 32) throw new TaggedJsonError('badly formed hexadecimal UUID string')
  // Python's int(hex, 16) also takes a sign, a 0x prefix, underscores and whitespace; keep the common form.
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TaggedJsonError('UUID with characters outside 0-9a-f')
  return hex.toLowerCase()
}

function stripChars(value: string, chars: string): string {
  let start = 0
  let end = value.length
  while (start < end && chars.includes(value[start]!)) start += 1
  while (end > start && chars.includes(value[end - 1]!)) end -= 1
  return value.slice(start, end)
}

// base64.b64decode(value): str must be ASCII; non-strict a2b_base64.
function toBytes(value: unknown): Buffer {
  if (typeof value !== 'string') throw new TaggedJsonError('b64decode() of a non-string')
  const codes: number[] = []
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index)
    if (code >= 0x80) throw new TaggedJsonError('non-ASCII base64')
    codes.push(code)
  }
  const decoded = a2bBase64Lenient(codes)
  if (decoded === null) throw new TaggedJsonError('Incorrect padding')
  return decoded
}

// Markup(value) is str(value): never fails.
function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value
  if (value instanceof PyMarkup) return value.html
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  return JSON.stringify(value) ?? String(value)
}

// werkzeug.http.parse_date never raises: unparsable input is None.
function toDate(value: unknown): Date | null {
  if (typeof value !== 'string') return null
  const time = Date.parse(value)
  return Number.isNaN(time) ? null : new Date(time)
}

// {key[:-2]: value[key]} for the first key of the inner dict: needs a non-empty dict.
function toDict(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new TaggedJsonError('dict escape of a non-dict')
  const first = Object.keys(value)[0]
  if (first === undefined) throw new TaggedJsonError('dict escape of an empty dict')
  return { [first.slice(0, -2)]: value[first] }
}

/**
 * `TaggedJSONSerializer.dumps` for the values a session written by the gateway holds (strings, booleans,
 * numbers, null, plain objects, arrays) plus values read back by `taggedJsonLoads`, compact separators.
 */
export function taggedJsonDumps(value: unknown): string {
  return pythonJsonDumps(tag(value))
}

function tag(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { ' b': value.toString('base64') }
  if (value instanceof Date) return { ' d': value.toUTCString() }
  if (value instanceof PyTuple) return { ' t': value.items.map(tag) }
  if (value instanceof PyUuid) return { ' u': value.hex }
  if (value instanceof PyMarkup) return { ' m': value.html }
  if (Array.isArray(value)) return value.map(tag)
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
    if (keys.length === 1 && TAGS.has(keys[0]!)) return { ' di': { [`${keys[0]}__`]: tag(value[keys[0]!]) } }
    return Object.fromEntries(keys.map((key) => [key, tag(value[key])]))
  }
  return value
}

/**
 * Python's `json.dumps(value, separators=(",", ":"))` (ensure_ascii on): like JSON.stringify, but every
 * non-ASCII character is written as `\uXXXX`, so the bytes match what Flask would sign.
 */
export function pythonJsonDumps(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
