/**
 * Base64 exactly as itsdangerous reads and writes it (`itsdangerous.encoding`):
 *
 * - encode: URL-safe alphabet, `=` padding stripped;
 * - decode: Python's lenient `base64_decode`: non-ASCII characters are dropped, padding is appended, `-`/`_`
 *   become `+`/`/`, and `binascii.a2b_base64` in non-strict mode skips every character outside the
 *   alphabet and stops at a complete pad sequence. So `abc!d` decodes like `abcd`. Only a leftover of one
 *   data character ("cannot be 1 more than a multiple of 4") or an unpadded tail ("Incorrect padding") fails.
 *
 * Being as lenient as Python matters for the signature segment: the legacy app accepts any spelling of a
 * valid signature that Python decodes to the right bytes, and so must the gateway.
 */

export function base64UrlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

const PAD = 0x3d // '='

const DECODE_TABLE = (() => {
  const table = new Int8Array(256).fill(-1)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  for (let index = 0; index < alphabet.length; index += 1) table[alphabet.charCodeAt(index)] = index
  return table
})()

/** itsdangerous `base64_decode`; `null` where Python raises `BadData`. */
export function itsdangerousBase64Decode(input: string | Uint8Array): Buffer | null {
  // want_bytes(string, encoding="ascii", errors="ignore"): non-ASCII characters of a str vanish.
  const ascii: number[] = []
  if (typeof input === 'string') {
    for (let index = 0; index < input.length; index += 1) {
      const code = input.charCodeAt(index)
      if (code < 0x80) ascii.push(code)
    }
  } else {
    // bytes pass through want_bytes unchanged
    for (const byte of input) ascii.push(byte)
  }
  // string += b"=" * (-len(string) % 4)
  const padding = (4 - (ascii.length % 4)) % 4
  for (let index = 0; index < padding; index += 1) ascii.push(PAD)
  // Bytes input keeps any high bytes: a2b_base64 skips them like any other non-alphabet byte (after they
  // counted for the padding above).
  const translated = ascii.map((byte) => (byte === 0x2d ? 0x2b : byte === 0x5f ? 0x2f : byte))
  return a2bBase64Lenient(translated)
}

/** CPython's `binascii.a2b_base64(data, strict_mode=False)`. */
export function a2bBase64Lenient(data: readonly number[]): Buffer | null {
  const out: number[] = []
  let quadPos = 0
  let leftChar = 0
  let pads = 0
  for (const byte of data) {
    if (byte === PAD) {
      if (quadPos >= 2 && quadPos + ++pads >= 4) return Buffer.from(out)
      continue
    }
    const value = DECODE_TABLE[byte] ?? -1
    if (value < 0) continue
    pads = 0
    switch (quadPos) {
      case 0:
        quadPos = 1
        leftChar = value
        break
      case 1:
        quadPos = 2
        out.push(((leftChar << 2) | (value >> 4)) & 0xff)
        leftChar = value & 0x0f
        break
      case 2:
        quadPos = 3
        out.push(((leftChar << 4) | (value >> 2)) & 0xff)
        leftChar = value & 0x03
        break
      default:
        quadPos = 0
        out.push(((leftChar << 6) | value) & 0xff)
        leftChar = 0
    }
  }
  return quadPos === 0 ? Buffer.from(out) : null
}
