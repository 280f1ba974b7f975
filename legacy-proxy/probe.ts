import http from 'node:http'

/** The legacy app is reachable when it answers any HTTP status on `/login` (a public page). */
export function probeLegacy(target: string, timeoutMs: number): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${target}/login`, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume()
      resolve({ status: response.statusCode ?? 0 })
    })
    request.once('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    request.once('error', reject)
  })
}
