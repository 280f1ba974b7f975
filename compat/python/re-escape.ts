/** The characters Python's `re.escape` escapes (3.7+: `_special_chars_map` in `re/__init__.py`). */
const SPECIAL = new Set('()[]{}?*+-|^$\\.&~# \t\n\r\v\f')

/**
 * Python's `re.escape(str)`: a backslash before each special character, everything else (non-ASCII
 * included) as is. The legacy search sends this string as MongoDB's `$regex`, so the same string gives
 * the same matches.
 */
export function pythonReEscape(value: string): string {
  let out = ''
  for (const char of value) out += SPECIAL.has(char) ? `\\${char}` : char
  return out
}
