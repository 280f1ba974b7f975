/**
 * Logs in to the legacy app (or the gateway in front of it) with the HTML form, like a browser would,
 * and returns the value for a `Cookie` request header: every Set-Cookie `name=value`, joined by "; ".
 */
export async function login(baseUrl: string, email = 'demo@estoque.local', password = 'demo1234'): Promise<string> {
  const res = await fetch(new URL('/login', baseUrl), {
    method: 'POST',
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  })
  await res.body?.cancel()
  const cookies = res.headers.getSetCookie().map((c) => c.split(';', 1)[0]!.trim())
  if (res.status !== 302 || cookies.length === 0) {
    throw new Error(`login as ${email} failed: HTTP ${res.status}, ${cookies.length} cookie(s)`)
  }
  return cookies.join('; ')
}
