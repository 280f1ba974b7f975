const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const pad = (value: number, width = 2) => String(value).padStart(width, '0')

/**
 * A datetime as Flask's JSON provider sends it (`werkzeug.http.http_date` → `email.utils.format_datetime`):
 * `"Tue, 03 Nov 2026 04:05:06 GMT"`, UTC, milliseconds dropped (truncated), year zero-padded to 4 digits.
 */
export function httpDate(date: Date): string {
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ` +
    `${pad(date.getUTCFullYear(), 4)} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} GMT`
  )
}

/** `datetime.strftime('%Y-%m-%d')` of a UTC instant. */
export function isoDay(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`
}

/** Midnight UTC of the given instant's day (`inicio_do_dia(agora())`). */
export function startOfUtcDay(date: Date): Date {
  const day = new Date(date.getTime())
  day.setUTCHours(0, 0, 0, 0)
  return day
}

export const DAY_MS = 86_400_000
