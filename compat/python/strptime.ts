import { PYTHON_DIGIT_CLASS, decimalValue } from './unicode.js'

// The regex CPython's `_strptime` builds for "%Y-%m-%d"; `\d` there is any Unicode decimal digit.
const D = PYTHON_DIGIT_CLASS
const YMD = new RegExp(`^(?<Y>${D}${D}${D}${D})-(?<m>1[0-2]|0[1-9]|[1-9])-(?<d>3[01]|[12]${D}|0[1-9]|[1-9]| [1-9])`, 'iu')

function digitsValue(text: string): number {
  let value = 0
  for (const char of text.trim()) value = value * 10 + decimalValue(char.codePointAt(0)!)
  return value
}

/**
 * `datetime.strptime(value, "%Y-%m-%d")` as a UTC midnight, or undefined where Python raises ValueError
 * (no match, unconverted data left, or not a calendar date such as 2026-02-30 or year 0).
 */
export function parseYmd(value: string): Date | undefined {
  const match = YMD.exec(value)
  if (!match?.groups || match[0].length !== value.length) return undefined
  const year = digitsValue(match.groups.Y!)
  const month = digitsValue(match.groups.m!)
  const day = digitsValue(match.groups.d!)
  if (year < 1 || day < 1 || day > daysInMonth(year, month)) return undefined
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day)
  return date
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}
