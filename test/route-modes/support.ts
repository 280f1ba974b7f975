import { readJson } from '../support/http.js'

/** Logs in at the legacy form with a given User-Agent: Flask-Login's session id hashes it, so each UA is its own session. */
export async function loginAs(baseUrl: string, userAgent: string): Promise<string> {
  const response = await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    headers: { 'user-agent': userAgent },
    body: new URLSearchParams({ email: 'demo@estoque.local', password: 'demo1234' }),
    redirect: 'manual',
  })
  await response.body?.cancel()
  if (response.status !== 302) throw new Error(`login failed: ${response.status}`)
  return response.headers.getSetCookie().map((cookie) => cookie.split(';', 1)[0]).join('; ')
}

export async function status(gatewayUrl: string, headers: Record<string, string> = {}) {
  return readJson(await fetch(`${gatewayUrl}/_gateway/status`, { headers }))
}

/** Polls until `check` passes (shadow comparisons run after the response, off the request path). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
